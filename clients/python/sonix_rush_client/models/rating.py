from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import Literal, cast






T = TypeVar("T", bound="Rating")



@_attrs_define
class Rating:
    """ A 1-5 star rating (rating again replaces the earlier rating).

        Attributes:
            user_id (int): The runner's id
            shoe_id (str):
            action_type (Literal['rate']):
            value (int): 1-5 stars
     """

    user_id: int
    shoe_id: str
    action_type: Literal['rate']
    value: int





    def to_dict(self) -> dict[str, Any]:
        user_id = self.user_id

        shoe_id = self.shoe_id

        action_type = self.action_type

        value = self.value


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "user_id": user_id,
            "shoe_id": shoe_id,
            "action_type": action_type,
            "value": value,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        user_id = d.pop("user_id")

        shoe_id = d.pop("shoe_id")

        action_type = cast(Literal['rate'] , d.pop("action_type"))
        if action_type != 'rate':
            raise ValueError(f"action_type must match const 'rate', got '{action_type}'")

        value = d.pop("value")

        rating = cls(
            user_id=user_id,
            shoe_id=shoe_id,
            action_type=action_type,
            value=value,
        )

        return rating

