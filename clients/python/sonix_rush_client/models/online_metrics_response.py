from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.online_metrics_response_history_item import OnlineMetricsResponseHistoryItem
  from ..models.online_metrics_response_latest_type_0 import OnlineMetricsResponseLatestType0





T = TypeVar("T", bound="OnlineMetricsResponse")



@_attrs_define
class OnlineMetricsResponse:
    """ GET /v1/admin/online-metrics (docs/online_evaluation.md has every field).

        Attributes:
            latest (None | OnlineMetricsResponseLatestType0): the newest report: experiment, window, per-arm and per-version
                metrics (each {value, ci95, n}) and the arm comparison; null before the first one is computed
            history (list[OnlineMetricsResponseHistoryItem]): older reports, newest first, reduced to time and per-arm
                positive-feedback rate and hit rate at 10 (for a chart over time)
     """

    latest: None | OnlineMetricsResponseLatestType0
    history: list[OnlineMetricsResponseHistoryItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.online_metrics_response_history_item import OnlineMetricsResponseHistoryItem # noqa: PLC0415
        from ..models.online_metrics_response_latest_type_0 import OnlineMetricsResponseLatestType0 # noqa: PLC0415
        latest: dict[str, Any] | None
        if isinstance(self.latest, OnlineMetricsResponseLatestType0):
            latest = self.latest.to_dict()
        else:
            latest = self.latest

        history = []
        for history_item_data in self.history:
            history_item = history_item_data.to_dict()
            history.append(history_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "latest": latest,
            "history": history,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.online_metrics_response_history_item import OnlineMetricsResponseHistoryItem # noqa: PLC0415
        from ..models.online_metrics_response_latest_type_0 import OnlineMetricsResponseLatestType0 # noqa: PLC0415
        d = dict(src_dict)
        def _parse_latest(data: object) -> None | OnlineMetricsResponseLatestType0:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                latest_type_0 = OnlineMetricsResponseLatestType0.from_dict(data)



                return latest_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OnlineMetricsResponseLatestType0, data)

        latest = _parse_latest(d.pop("latest"))


        history = []
        _history = d.pop("history")
        for history_item_data in (_history):
            history_item = OnlineMetricsResponseHistoryItem.from_dict(history_item_data)



            history.append(history_item)


        online_metrics_response = cls(
            latest=latest,
            history=history,
        )


        online_metrics_response.additional_properties = d
        return online_metrics_response

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
