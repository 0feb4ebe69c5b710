from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.rebuild import Rebuild





T = TypeVar("T", bound="HistoryResponse")



@_attrs_define
class HistoryResponse:
    """ 
        Attributes:
            rebuilds (list[Rebuild]): The last 50 rebuilds, oldest first
            gate_tolerance (float | None | Unset): QUALITY_GATE_TOLERANCE: a candidate this far below the serving NDCG@10
                still passes
     """

    rebuilds: list[Rebuild]
    gate_tolerance: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.rebuild import Rebuild # noqa: PLC0415
        rebuilds = []
        for rebuilds_item_data in self.rebuilds:
            rebuilds_item = rebuilds_item_data.to_dict()
            rebuilds.append(rebuilds_item)



        gate_tolerance: float | None | Unset
        if isinstance(self.gate_tolerance, Unset):
            gate_tolerance = UNSET
        else:
            gate_tolerance = self.gate_tolerance


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "rebuilds": rebuilds,
        })
        if gate_tolerance is not UNSET:
            field_dict["gate_tolerance"] = gate_tolerance

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.rebuild import Rebuild # noqa: PLC0415
        d = dict(src_dict)
        rebuilds = []
        _rebuilds = d.pop("rebuilds")
        for rebuilds_item_data in (_rebuilds):
            rebuilds_item = Rebuild.from_dict(rebuilds_item_data)



            rebuilds.append(rebuilds_item)


        def _parse_gate_tolerance(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        gate_tolerance = _parse_gate_tolerance(d.pop("gate_tolerance", UNSET))


        history_response = cls(
            rebuilds=rebuilds,
            gate_tolerance=gate_tolerance,
        )


        history_response.additional_properties = d
        return history_response

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
