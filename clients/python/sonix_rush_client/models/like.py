from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import Literal, cast






T = TypeVar("T", bound="Like")



@_attrs_define
class Like:
    """ A like (liking twice is still one like). Its `value` is omitted or `null`.

        Attributes:
            user_id (int): The runner's id
            shoe_id (str):
            action_type (Literal['like']):
            value (None | Unset): a like takes no value: omit it or send null
     """

    user_id: int
    shoe_id: str
    action_type: Literal['like']
    value: None | Unset = UNSET





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
        })
        if value is not UNSET:
            field_dict["value"] = value

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        user_id = d.pop("user_id")

        shoe_id = d.pop("shoe_id")

        action_type = cast(Literal['like'] , d.pop("action_type"))
        if action_type != 'like':
            raise ValueError(f"action_type must match const 'like', got '{action_type}'")

        value = d.pop("value", UNSET)

        like = cls(
            user_id=user_id,
            shoe_id=shoe_id,
            action_type=action_type,
            value=value,
        )

        return like

