from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.feed_item_reason import FeedItemReason






T = TypeVar("T", bound="FeedItem")



@_attrs_define
class FeedItem:
    """ 
        Attributes:
            shoe_id (str):
            name (str):
            brand (str):
            match_score (float):
            reason (FeedItemReason):
     """

    shoe_id: str
    name: str
    brand: str
    match_score: float
    reason: FeedItemReason
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        shoe_id = self.shoe_id

        name = self.name

        brand = self.brand

        match_score = self.match_score

        reason = self.reason.value


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "shoe_id": shoe_id,
            "name": name,
            "brand": brand,
            "match_score": match_score,
            "reason": reason,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        shoe_id = d.pop("shoe_id")

        name = d.pop("name")

        brand = d.pop("brand")

        match_score = d.pop("match_score")

        reason = FeedItemReason(d.pop("reason"))




        feed_item = cls(
            shoe_id=shoe_id,
            name=name,
            brand=brand,
            match_score=match_score,
            reason=reason,
        )


        feed_item.additional_properties = d
        return feed_item

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
