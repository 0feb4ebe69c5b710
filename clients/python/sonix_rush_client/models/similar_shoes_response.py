from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from typing import Literal, cast

if TYPE_CHECKING:
  from ..models.similar_shoe import SimilarShoe





T = TypeVar("T", bound="SimilarShoesResponse")



@_attrs_define
class SimilarShoesResponse:
    """ 
        Attributes:
            status (Literal['success']):
            shoe_id (str):
            cf_version (None | str):
            data (list[SimilarShoe]): co-liked shoes first, then similar specs
     """

    status: Literal['success']
    shoe_id: str
    cf_version: None | str
    data: list[SimilarShoe]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.similar_shoe import SimilarShoe # noqa: PLC0415
        status = self.status

        shoe_id = self.shoe_id

        cf_version: None | str
        cf_version = self.cf_version

        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "status": status,
            "shoe_id": shoe_id,
            "cf_version": cf_version,
            "data": data,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.similar_shoe import SimilarShoe # noqa: PLC0415
        d = dict(src_dict)
        status = cast(Literal['success'] , d.pop("status"))
        if status != 'success':
            raise ValueError(f"status must match const 'success', got '{status}'")

        shoe_id = d.pop("shoe_id")

        def _parse_cf_version(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        cf_version = _parse_cf_version(d.pop("cf_version"))


        data = []
        _data = d.pop("data")
        for data_item_data in (_data):
            data_item = SimilarShoe.from_dict(data_item_data)



            data.append(data_item)


        similar_shoes_response = cls(
            status=status,
            shoe_id=shoe_id,
            cf_version=cf_version,
            data=data,
        )


        similar_shoes_response.additional_properties = d
        return similar_shoes_response

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
