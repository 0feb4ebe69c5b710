from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from typing import Literal, cast

if TYPE_CHECKING:
  from ..models.shoe_summary import ShoeSummary





T = TypeVar("T", bound="ShoePage")



@_attrs_define
class ShoePage:
    """ 
        Attributes:
            status (Literal['success']):
            total (int): every shoe matching the filters
            limit (int):
            offset (int):
            has_more (bool):
            data (list[ShoeSummary]):
     """

    status: Literal['success']
    total: int
    limit: int
    offset: int
    has_more: bool
    data: list[ShoeSummary]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.shoe_summary import ShoeSummary # noqa: PLC0415
        status = self.status

        total = self.total

        limit = self.limit

        offset = self.offset

        has_more = self.has_more

        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "status": status,
            "total": total,
            "limit": limit,
            "offset": offset,
            "has_more": has_more,
            "data": data,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.shoe_summary import ShoeSummary # noqa: PLC0415
        d = dict(src_dict)
        status = cast(Literal['success'] , d.pop("status"))
        if status != 'success':
            raise ValueError(f"status must match const 'success', got '{status}'")

        total = d.pop("total")

        limit = d.pop("limit")

        offset = d.pop("offset")

        has_more = d.pop("has_more")

        data = []
        _data = d.pop("data")
        for data_item_data in (_data):
            data_item = ShoeSummary.from_dict(data_item_data)



            data.append(data_item)


        shoe_page = cls(
            status=status,
            total=total,
            limit=limit,
            offset=offset,
            has_more=has_more,
            data=data,
        )


        shoe_page.additional_properties = d
        return shoe_page

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
