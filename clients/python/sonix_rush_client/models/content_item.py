from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="ContentItem")



@_attrs_define
class ContentItem:
    """ 
        Attributes:
            shoe_id (str):
            name (str):
            brand (str):
            cluster (int): The K-Means cluster of the shoe
            match_score (float):
            meets (list[str]): the answers this shoe meets, in words
            misses (list[str]): the answers this shoe does not meet, in words
     """

    shoe_id: str
    name: str
    brand: str
    cluster: int
    match_score: float
    meets: list[str]
    misses: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        shoe_id = self.shoe_id

        name = self.name

        brand = self.brand

        cluster = self.cluster

        match_score = self.match_score

        meets = self.meets



        misses = self.misses




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "shoe_id": shoe_id,
            "name": name,
            "brand": brand,
            "cluster": cluster,
            "match_score": match_score,
            "meets": meets,
            "misses": misses,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        shoe_id = d.pop("shoe_id")

        name = d.pop("name")

        brand = d.pop("brand")

        cluster = d.pop("cluster")

        match_score = d.pop("match_score")

        meets = cast(list[str], d.pop("meets"))


        misses = cast(list[str], d.pop("misses"))


        content_item = cls(
            shoe_id=shoe_id,
            name=name,
            brand=brand,
            cluster=cluster,
            match_score=match_score,
            meets=meets,
            misses=misses,
        )


        content_item.additional_properties = d
        return content_item

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
