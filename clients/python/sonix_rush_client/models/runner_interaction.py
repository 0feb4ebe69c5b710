from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.runner_interaction_action import RunnerInteractionAction
from typing import cast






T = TypeVar("T", bound="RunnerInteraction")



@_attrs_define
class RunnerInteraction:
    """ 
        Attributes:
            shoe_id (str):
            name (None | str):
            brand (None | str):
            action (RunnerInteractionAction):
            value (int | None):
     """

    shoe_id: str
    name: None | str
    brand: None | str
    action: RunnerInteractionAction
    value: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        shoe_id = self.shoe_id

        name: None | str
        name = self.name

        brand: None | str
        brand = self.brand

        action = self.action.value

        value: int | None
        value = self.value


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "shoe_id": shoe_id,
            "name": name,
            "brand": brand,
            "action": action,
            "value": value,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        shoe_id = d.pop("shoe_id")

        def _parse_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))


        def _parse_brand(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        brand = _parse_brand(d.pop("brand"))


        action = RunnerInteractionAction(d.pop("action"))




        def _parse_value(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        value = _parse_value(d.pop("value"))


        runner_interaction = cls(
            shoe_id=shoe_id,
            name=name,
            brand=brand,
            action=action,
            value=value,
        )


        runner_interaction.additional_properties = d
        return runner_interaction

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
