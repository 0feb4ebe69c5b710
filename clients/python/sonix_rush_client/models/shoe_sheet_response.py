from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from typing import Literal, cast

if TYPE_CHECKING:
  from ..models.shoe_sheet import ShoeSheet





T = TypeVar("T", bound="ShoeSheetResponse")



@_attrs_define
class ShoeSheetResponse:
    """ 
        Attributes:
            status (Literal['success']):
            data (ShoeSheet):
     """

    status: Literal['success']
    data: ShoeSheet
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.shoe_sheet import ShoeSheet # noqa: PLC0415
        status = self.status

        data = self.data.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "status": status,
            "data": data,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.shoe_sheet import ShoeSheet # noqa: PLC0415
        d = dict(src_dict)
        status = cast(Literal['success'] , d.pop("status"))
        if status != 'success':
            raise ValueError(f"status must match const 'success', got '{status}'")

        data = ShoeSheet.from_dict(d.pop("data"))




        shoe_sheet_response = cls(
            status=status,
            data=data,
        )


        shoe_sheet_response.additional_properties = d
        return shoe_sheet_response

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
