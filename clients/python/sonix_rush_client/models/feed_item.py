from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.feed_item_reason import FeedItemReason
from ..types import UNSET, Unset
from typing import cast






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
            evidence (str): the numbers behind the reason
            meets (list[str] | None | Unset): your_answers only: the saved answers this shoe meets
            misses (list[str] | None | Unset): your_answers only: the saved answers it misses
     """

    shoe_id: str
    name: str
    brand: str
    match_score: float
    reason: FeedItemReason
    evidence: str
    meets: list[str] | None | Unset = UNSET
    misses: list[str] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        shoe_id = self.shoe_id

        name = self.name

        brand = self.brand

        match_score = self.match_score

        reason = self.reason.value

        evidence = self.evidence

        meets: list[str] | None | Unset
        if isinstance(self.meets, Unset):
            meets = UNSET
        elif isinstance(self.meets, list):
            meets = self.meets


        else:
            meets = self.meets

        misses: list[str] | None | Unset
        if isinstance(self.misses, Unset):
            misses = UNSET
        elif isinstance(self.misses, list):
            misses = self.misses


        else:
            misses = self.misses


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "shoe_id": shoe_id,
            "name": name,
            "brand": brand,
            "match_score": match_score,
            "reason": reason,
            "evidence": evidence,
        })
        if meets is not UNSET:
            field_dict["meets"] = meets
        if misses is not UNSET:
            field_dict["misses"] = misses

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        shoe_id = d.pop("shoe_id")

        name = d.pop("name")

        brand = d.pop("brand")

        match_score = d.pop("match_score")

        reason = FeedItemReason(d.pop("reason"))




        evidence = d.pop("evidence")

        def _parse_meets(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                meets_type_0 = cast(list[str], data)

                return meets_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        meets = _parse_meets(d.pop("meets", UNSET))


        def _parse_misses(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                misses_type_0 = cast(list[str], data)

                return misses_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        misses = _parse_misses(d.pop("misses", UNSET))


        feed_item = cls(
            shoe_id=shoe_id,
            name=name,
            brand=brand,
            match_score=match_score,
            reason=reason,
            evidence=evidence,
            meets=meets,
            misses=misses,
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
