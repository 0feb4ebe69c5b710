from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.road_questionnaire_arch_type_type_0 import RoadQuestionnaireArchTypeType0
from ..models.road_questionnaire_cushion_preferences_type_0 import RoadQuestionnaireCushionPreferencesType0
from ..models.road_questionnaire_foot_width_type_0 import RoadQuestionnaireFootWidthType0
from ..models.road_questionnaire_orthotic_usage_type_0 import RoadQuestionnaireOrthoticUsageType0
from ..models.road_questionnaire_pace_type_0 import RoadQuestionnairePaceType0
from ..models.road_questionnaire_running_purpose_type_0 import RoadQuestionnaireRunningPurposeType0
from ..models.road_questionnaire_season_type_0 import RoadQuestionnaireSeasonType0
from ..models.road_questionnaire_stability_need_type_0 import RoadQuestionnaireStabilityNeedType0
from ..models.road_questionnaire_strike_pattern_type_0 import RoadQuestionnaireStrikePatternType0
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="RoadQuestionnaire")



@_attrs_define
class RoadQuestionnaire:
    """ 
        Attributes:
            pace (None | RoadQuestionnairePaceType0 | Unset):
            arch_type (None | RoadQuestionnaireArchTypeType0 | Unset):
            strike_pattern (None | RoadQuestionnaireStrikePatternType0 | Unset):
            foot_width (None | RoadQuestionnaireFootWidthType0 | Unset):
            season (None | RoadQuestionnaireSeasonType0 | Unset):
            orthotic_usage (None | RoadQuestionnaireOrthoticUsageType0 | Unset):
            budget_usd (int | None | Unset): the most the runner will pay, US dollars (RunRepeat prices)
            running_purpose (None | RoadQuestionnaireRunningPurposeType0 | Unset):
            cushion_preferences (None | RoadQuestionnaireCushionPreferencesType0 | Unset):
            stability_need (None | RoadQuestionnaireStabilityNeedType0 | Unset):
     """

    pace: None | RoadQuestionnairePaceType0 | Unset = UNSET
    arch_type: None | RoadQuestionnaireArchTypeType0 | Unset = UNSET
    strike_pattern: None | RoadQuestionnaireStrikePatternType0 | Unset = UNSET
    foot_width: None | RoadQuestionnaireFootWidthType0 | Unset = UNSET
    season: None | RoadQuestionnaireSeasonType0 | Unset = UNSET
    orthotic_usage: None | RoadQuestionnaireOrthoticUsageType0 | Unset = UNSET
    budget_usd: int | None | Unset = UNSET
    running_purpose: None | RoadQuestionnaireRunningPurposeType0 | Unset = UNSET
    cushion_preferences: None | RoadQuestionnaireCushionPreferencesType0 | Unset = UNSET
    stability_need: None | RoadQuestionnaireStabilityNeedType0 | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        pace: None | str | Unset
        if isinstance(self.pace, Unset):
            pace = UNSET
        elif isinstance(self.pace, RoadQuestionnairePaceType0):
            pace = self.pace.value
        else:
            pace = self.pace

        arch_type: None | str | Unset
        if isinstance(self.arch_type, Unset):
            arch_type = UNSET
        elif isinstance(self.arch_type, RoadQuestionnaireArchTypeType0):
            arch_type = self.arch_type.value
        else:
            arch_type = self.arch_type

        strike_pattern: None | str | Unset
        if isinstance(self.strike_pattern, Unset):
            strike_pattern = UNSET
        elif isinstance(self.strike_pattern, RoadQuestionnaireStrikePatternType0):
            strike_pattern = self.strike_pattern.value
        else:
            strike_pattern = self.strike_pattern

        foot_width: None | str | Unset
        if isinstance(self.foot_width, Unset):
            foot_width = UNSET
        elif isinstance(self.foot_width, RoadQuestionnaireFootWidthType0):
            foot_width = self.foot_width.value
        else:
            foot_width = self.foot_width

        season: None | str | Unset
        if isinstance(self.season, Unset):
            season = UNSET
        elif isinstance(self.season, RoadQuestionnaireSeasonType0):
            season = self.season.value
        else:
            season = self.season

        orthotic_usage: None | str | Unset
        if isinstance(self.orthotic_usage, Unset):
            orthotic_usage = UNSET
        elif isinstance(self.orthotic_usage, RoadQuestionnaireOrthoticUsageType0):
            orthotic_usage = self.orthotic_usage.value
        else:
            orthotic_usage = self.orthotic_usage

        budget_usd: int | None | Unset
        if isinstance(self.budget_usd, Unset):
            budget_usd = UNSET
        else:
            budget_usd = self.budget_usd

        running_purpose: None | str | Unset
        if isinstance(self.running_purpose, Unset):
            running_purpose = UNSET
        elif isinstance(self.running_purpose, RoadQuestionnaireRunningPurposeType0):
            running_purpose = self.running_purpose.value
        else:
            running_purpose = self.running_purpose

        cushion_preferences: None | str | Unset
        if isinstance(self.cushion_preferences, Unset):
            cushion_preferences = UNSET
        elif isinstance(self.cushion_preferences, RoadQuestionnaireCushionPreferencesType0):
            cushion_preferences = self.cushion_preferences.value
        else:
            cushion_preferences = self.cushion_preferences

        stability_need: None | str | Unset
        if isinstance(self.stability_need, Unset):
            stability_need = UNSET
        elif isinstance(self.stability_need, RoadQuestionnaireStabilityNeedType0):
            stability_need = self.stability_need.value
        else:
            stability_need = self.stability_need


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if pace is not UNSET:
            field_dict["pace"] = pace
        if arch_type is not UNSET:
            field_dict["arch_type"] = arch_type
        if strike_pattern is not UNSET:
            field_dict["strike_pattern"] = strike_pattern
        if foot_width is not UNSET:
            field_dict["foot_width"] = foot_width
        if season is not UNSET:
            field_dict["season"] = season
        if orthotic_usage is not UNSET:
            field_dict["orthotic_usage"] = orthotic_usage
        if budget_usd is not UNSET:
            field_dict["budget_usd"] = budget_usd
        if running_purpose is not UNSET:
            field_dict["running_purpose"] = running_purpose
        if cushion_preferences is not UNSET:
            field_dict["cushion_preferences"] = cushion_preferences
        if stability_need is not UNSET:
            field_dict["stability_need"] = stability_need

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_pace(data: object) -> None | RoadQuestionnairePaceType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                pace_type_0 = RoadQuestionnairePaceType0(data)



                return pace_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RoadQuestionnairePaceType0 | Unset, data)

        pace = _parse_pace(d.pop("pace", UNSET))


        def _parse_arch_type(data: object) -> None | RoadQuestionnaireArchTypeType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                arch_type_type_0 = RoadQuestionnaireArchTypeType0(data)



                return arch_type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RoadQuestionnaireArchTypeType0 | Unset, data)

        arch_type = _parse_arch_type(d.pop("arch_type", UNSET))


        def _parse_strike_pattern(data: object) -> None | RoadQuestionnaireStrikePatternType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                strike_pattern_type_0 = RoadQuestionnaireStrikePatternType0(data)



                return strike_pattern_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RoadQuestionnaireStrikePatternType0 | Unset, data)

        strike_pattern = _parse_strike_pattern(d.pop("strike_pattern", UNSET))


        def _parse_foot_width(data: object) -> None | RoadQuestionnaireFootWidthType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                foot_width_type_0 = RoadQuestionnaireFootWidthType0(data)



                return foot_width_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RoadQuestionnaireFootWidthType0 | Unset, data)

        foot_width = _parse_foot_width(d.pop("foot_width", UNSET))


        def _parse_season(data: object) -> None | RoadQuestionnaireSeasonType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                season_type_0 = RoadQuestionnaireSeasonType0(data)



                return season_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RoadQuestionnaireSeasonType0 | Unset, data)

        season = _parse_season(d.pop("season", UNSET))


        def _parse_orthotic_usage(data: object) -> None | RoadQuestionnaireOrthoticUsageType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                orthotic_usage_type_0 = RoadQuestionnaireOrthoticUsageType0(data)



                return orthotic_usage_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RoadQuestionnaireOrthoticUsageType0 | Unset, data)

        orthotic_usage = _parse_orthotic_usage(d.pop("orthotic_usage", UNSET))


        def _parse_budget_usd(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        budget_usd = _parse_budget_usd(d.pop("budget_usd", UNSET))


        def _parse_running_purpose(data: object) -> None | RoadQuestionnaireRunningPurposeType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                running_purpose_type_0 = RoadQuestionnaireRunningPurposeType0(data)



                return running_purpose_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RoadQuestionnaireRunningPurposeType0 | Unset, data)

        running_purpose = _parse_running_purpose(d.pop("running_purpose", UNSET))


        def _parse_cushion_preferences(data: object) -> None | RoadQuestionnaireCushionPreferencesType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                cushion_preferences_type_0 = RoadQuestionnaireCushionPreferencesType0(data)



                return cushion_preferences_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RoadQuestionnaireCushionPreferencesType0 | Unset, data)

        cushion_preferences = _parse_cushion_preferences(d.pop("cushion_preferences", UNSET))


        def _parse_stability_need(data: object) -> None | RoadQuestionnaireStabilityNeedType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                stability_need_type_0 = RoadQuestionnaireStabilityNeedType0(data)



                return stability_need_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RoadQuestionnaireStabilityNeedType0 | Unset, data)

        stability_need = _parse_stability_need(d.pop("stability_need", UNSET))


        road_questionnaire = cls(
            pace=pace,
            arch_type=arch_type,
            strike_pattern=strike_pattern,
            foot_width=foot_width,
            season=season,
            orthotic_usage=orthotic_usage,
            budget_usd=budget_usd,
            running_purpose=running_purpose,
            cushion_preferences=cushion_preferences,
            stability_need=stability_need,
        )

        return road_questionnaire

