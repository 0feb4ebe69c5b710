from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.traffic_row import TrafficRow





T = TypeVar("T", bound="TrafficResponse")



@_attrs_define
class TrafficResponse:
    """ 
        Attributes:
            collected_at (float): Unix time of the reading
            routes (list[TrafficRow]):
     """

    collected_at: float
    routes: list[TrafficRow]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.traffic_row import TrafficRow # noqa: PLC0415
        collected_at = self.collected_at

        routes = []
        for routes_item_data in self.routes:
            routes_item = routes_item_data.to_dict()
            routes.append(routes_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "collected_at": collected_at,
            "routes": routes,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.traffic_row import TrafficRow # noqa: PLC0415
        d = dict(src_dict)
        collected_at = d.pop("collected_at")

        routes = []
        _routes = d.pop("routes")
        for routes_item_data in (_routes):
            routes_item = TrafficRow.from_dict(routes_item_data)



            routes.append(routes_item)


        traffic_response = cls(
            collected_at=collected_at,
            routes=routes,
        )


        traffic_response.additional_properties = d
        return traffic_response

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
