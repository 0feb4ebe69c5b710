from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from typing import Literal, cast

if TYPE_CHECKING:
  from ..models.reload_response_serving import ReloadResponseServing





T = TypeVar("T", bound="ReloadResponse")



@_attrs_define
class ReloadResponse:
    """ 
        Attributes:
            status (Literal['reloaded']):
            generation (int):
            serving (ReloadResponseServing):
     """

    status: Literal['reloaded']
    generation: int
    serving: ReloadResponseServing
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.reload_response_serving import ReloadResponseServing # noqa: PLC0415
        status = self.status

        generation = self.generation

        serving = self.serving.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "status": status,
            "generation": generation,
            "serving": serving,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.reload_response_serving import ReloadResponseServing # noqa: PLC0415
        d = dict(src_dict)
        status = cast(Literal['reloaded'] , d.pop("status"))
        if status != 'reloaded':
            raise ValueError(f"status must match const 'reloaded', got '{status}'")

        generation = d.pop("generation")

        serving = ReloadResponseServing.from_dict(d.pop("serving"))




        reload_response = cls(
            status=status,
            generation=generation,
            serving=serving,
        )


        reload_response.additional_properties = d
        return reload_response

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
