from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.similar_shoe_reason import SimilarShoeReason
from ..models.similar_shoe_shoe_type import SimilarShoeShoeType






T = TypeVar("T", bound="SimilarShoe")



@_attrs_define
class SimilarShoe:
    """ 
        Attributes:
            shoe_id (str):
            name (str):
            brand (str):
            shoe_type (SimilarShoeShoeType):
            score (float):
            reason (SimilarShoeReason):
            co_likes (int): runners who liked both shoes
     """

    shoe_id: str
    name: str
    brand: str
    shoe_type: SimilarShoeShoeType
    score: float
    reason: SimilarShoeReason
    co_likes: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        shoe_id = self.shoe_id

        name = self.name

        brand = self.brand

        shoe_type = self.shoe_type.value

        score = self.score

        reason = self.reason.value

        co_likes = self.co_likes


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "shoe_id": shoe_id,
            "name": name,
            "brand": brand,
            "shoe_type": shoe_type,
            "score": score,
            "reason": reason,
            "co_likes": co_likes,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        shoe_id = d.pop("shoe_id")

        name = d.pop("name")

        brand = d.pop("brand")

        shoe_type = SimilarShoeShoeType(d.pop("shoe_type"))




        score = d.pop("score")

        reason = SimilarShoeReason(d.pop("reason"))




        co_likes = d.pop("co_likes")

        similar_shoe = cls(
            shoe_id=shoe_id,
            name=name,
            brand=brand,
            shoe_type=shoe_type,
            score=score,
            reason=reason,
            co_likes=co_likes,
        )


        similar_shoe.additional_properties = d
        return similar_shoe

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
