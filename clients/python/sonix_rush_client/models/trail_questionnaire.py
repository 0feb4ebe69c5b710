from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.trail_questionnaire_arch_type_type_0 import TrailQuestionnaireArchTypeType0
from ..models.trail_questionnaire_foot_width_type_0 import TrailQuestionnaireFootWidthType0
from ..models.trail_questionnaire_orthotic_usage_type_0 import TrailQuestionnaireOrthoticUsageType0
from ..models.trail_questionnaire_pace_type_0 import TrailQuestionnairePaceType0
from ..models.trail_questionnaire_rock_sensitive_type_0 import TrailQuestionnaireRockSensitiveType0
from ..models.trail_questionnaire_season_type_0 import TrailQuestionnaireSeasonType0
from ..models.trail_questionnaire_strike_pattern_type_0 import TrailQuestionnaireStrikePatternType0
from ..models.trail_questionnaire_terrain_type_0 import TrailQuestionnaireTerrainType0
from ..models.trail_questionnaire_water_resistance_type_0 import TrailQuestionnaireWaterResistanceType0
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="TrailQuestionnaire")



@_attrs_define
class TrailQuestionnaire:
    """ 
        Attributes:
            pace (None | TrailQuestionnairePaceType0 | Unset):
            arch_type (None | TrailQuestionnaireArchTypeType0 | Unset):
            strike_pattern (None | TrailQuestionnaireStrikePatternType0 | Unset):
            foot_width (None | TrailQuestionnaireFootWidthType0 | Unset):
            season (None | TrailQuestionnaireSeasonType0 | Unset):
            orthotic_usage (None | TrailQuestionnaireOrthoticUsageType0 | Unset):
            budget_usd (int | None | Unset): the most the runner will pay, US dollars (RunRepeat prices)
            terrain (None | TrailQuestionnaireTerrainType0 | Unset):
            rock_sensitive (None | TrailQuestionnaireRockSensitiveType0 | Unset):
            water_resistance (None | TrailQuestionnaireWaterResistanceType0 | Unset):
     """

    pace: None | TrailQuestionnairePaceType0 | Unset = UNSET
    arch_type: None | TrailQuestionnaireArchTypeType0 | Unset = UNSET
    strike_pattern: None | TrailQuestionnaireStrikePatternType0 | Unset = UNSET
    foot_width: None | TrailQuestionnaireFootWidthType0 | Unset = UNSET
    season: None | TrailQuestionnaireSeasonType0 | Unset = UNSET
    orthotic_usage: None | TrailQuestionnaireOrthoticUsageType0 | Unset = UNSET
    budget_usd: int | None | Unset = UNSET
    terrain: None | TrailQuestionnaireTerrainType0 | Unset = UNSET
    rock_sensitive: None | TrailQuestionnaireRockSensitiveType0 | Unset = UNSET
    water_resistance: None | TrailQuestionnaireWaterResistanceType0 | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        pace: None | str | Unset
        if isinstance(self.pace, Unset):
            pace = UNSET
        elif isinstance(self.pace, TrailQuestionnairePaceType0):
            pace = self.pace.value
        else:
            pace = self.pace

        arch_type: None | str | Unset
        if isinstance(self.arch_type, Unset):
            arch_type = UNSET
        elif isinstance(self.arch_type, TrailQuestionnaireArchTypeType0):
            arch_type = self.arch_type.value
        else:
            arch_type = self.arch_type

        strike_pattern: None | str | Unset
        if isinstance(self.strike_pattern, Unset):
            strike_pattern = UNSET
        elif isinstance(self.strike_pattern, TrailQuestionnaireStrikePatternType0):
            strike_pattern = self.strike_pattern.value
        else:
            strike_pattern = self.strike_pattern

        foot_width: None | str | Unset
        if isinstance(self.foot_width, Unset):
            foot_width = UNSET
        elif isinstance(self.foot_width, TrailQuestionnaireFootWidthType0):
            foot_width = self.foot_width.value
        else:
            foot_width = self.foot_width

        season: None | str | Unset
        if isinstance(self.season, Unset):
            season = UNSET
        elif isinstance(self.season, TrailQuestionnaireSeasonType0):
            season = self.season.value
        else:
            season = self.season

        orthotic_usage: None | str | Unset
        if isinstance(self.orthotic_usage, Unset):
            orthotic_usage = UNSET
        elif isinstance(self.orthotic_usage, TrailQuestionnaireOrthoticUsageType0):
            orthotic_usage = self.orthotic_usage.value
        else:
            orthotic_usage = self.orthotic_usage

        budget_usd: int | None | Unset
        if isinstance(self.budget_usd, Unset):
            budget_usd = UNSET
        else:
            budget_usd = self.budget_usd

        terrain: None | str | Unset
        if isinstance(self.terrain, Unset):
            terrain = UNSET
        elif isinstance(self.terrain, TrailQuestionnaireTerrainType0):
            terrain = self.terrain.value
        else:
            terrain = self.terrain

        rock_sensitive: None | str | Unset
        if isinstance(self.rock_sensitive, Unset):
            rock_sensitive = UNSET
        elif isinstance(self.rock_sensitive, TrailQuestionnaireRockSensitiveType0):
            rock_sensitive = self.rock_sensitive.value
        else:
            rock_sensitive = self.rock_sensitive

        water_resistance: None | str | Unset
        if isinstance(self.water_resistance, Unset):
            water_resistance = UNSET
        elif isinstance(self.water_resistance, TrailQuestionnaireWaterResistanceType0):
            water_resistance = self.water_resistance.value
        else:
            water_resistance = self.water_resistance


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
        if terrain is not UNSET:
            field_dict["terrain"] = terrain
        if rock_sensitive is not UNSET:
            field_dict["rock_sensitive"] = rock_sensitive
        if water_resistance is not UNSET:
            field_dict["water_resistance"] = water_resistance

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_pace(data: object) -> None | TrailQuestionnairePaceType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                pace_type_0 = TrailQuestionnairePaceType0(data)



                return pace_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TrailQuestionnairePaceType0 | Unset, data)

        pace = _parse_pace(d.pop("pace", UNSET))


        def _parse_arch_type(data: object) -> None | TrailQuestionnaireArchTypeType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                arch_type_type_0 = TrailQuestionnaireArchTypeType0(data)



                return arch_type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TrailQuestionnaireArchTypeType0 | Unset, data)

        arch_type = _parse_arch_type(d.pop("arch_type", UNSET))


        def _parse_strike_pattern(data: object) -> None | TrailQuestionnaireStrikePatternType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                strike_pattern_type_0 = TrailQuestionnaireStrikePatternType0(data)



                return strike_pattern_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TrailQuestionnaireStrikePatternType0 | Unset, data)

        strike_pattern = _parse_strike_pattern(d.pop("strike_pattern", UNSET))


        def _parse_foot_width(data: object) -> None | TrailQuestionnaireFootWidthType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                foot_width_type_0 = TrailQuestionnaireFootWidthType0(data)



                return foot_width_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TrailQuestionnaireFootWidthType0 | Unset, data)

        foot_width = _parse_foot_width(d.pop("foot_width", UNSET))


        def _parse_season(data: object) -> None | TrailQuestionnaireSeasonType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                season_type_0 = TrailQuestionnaireSeasonType0(data)



                return season_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TrailQuestionnaireSeasonType0 | Unset, data)

        season = _parse_season(d.pop("season", UNSET))


        def _parse_orthotic_usage(data: object) -> None | TrailQuestionnaireOrthoticUsageType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                orthotic_usage_type_0 = TrailQuestionnaireOrthoticUsageType0(data)



                return orthotic_usage_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TrailQuestionnaireOrthoticUsageType0 | Unset, data)

        orthotic_usage = _parse_orthotic_usage(d.pop("orthotic_usage", UNSET))


        def _parse_budget_usd(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        budget_usd = _parse_budget_usd(d.pop("budget_usd", UNSET))


        def _parse_terrain(data: object) -> None | TrailQuestionnaireTerrainType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                terrain_type_0 = TrailQuestionnaireTerrainType0(data)



                return terrain_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TrailQuestionnaireTerrainType0 | Unset, data)

        terrain = _parse_terrain(d.pop("terrain", UNSET))


        def _parse_rock_sensitive(data: object) -> None | TrailQuestionnaireRockSensitiveType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                rock_sensitive_type_0 = TrailQuestionnaireRockSensitiveType0(data)



                return rock_sensitive_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TrailQuestionnaireRockSensitiveType0 | Unset, data)

        rock_sensitive = _parse_rock_sensitive(d.pop("rock_sensitive", UNSET))


        def _parse_water_resistance(data: object) -> None | TrailQuestionnaireWaterResistanceType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                water_resistance_type_0 = TrailQuestionnaireWaterResistanceType0(data)



                return water_resistance_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TrailQuestionnaireWaterResistanceType0 | Unset, data)

        water_resistance = _parse_water_resistance(d.pop("water_resistance", UNSET))


        trail_questionnaire = cls(
            pace=pace,
            arch_type=arch_type,
            strike_pattern=strike_pattern,
            foot_width=foot_width,
            season=season,
            orthotic_usage=orthotic_usage,
            budget_usd=budget_usd,
            terrain=terrain,
            rock_sensitive=rock_sensitive,
            water_resistance=water_resistance,
        )

        return trail_questionnaire

