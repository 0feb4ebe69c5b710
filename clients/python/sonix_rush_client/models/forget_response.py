from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from typing import Literal, cast

if TYPE_CHECKING:
  from ..models.forget_response_deleted import ForgetResponseDeleted





T = TypeVar("T", bound="ForgetResponse")



@_attrs_define
class ForgetResponse:
    """ 
        Attributes:
            user_id (int):
            deleted (ForgetResponseDeleted): rows erased per kind; all 0 when the runner was already forgotten
            status (Literal['success'] | Unset):  Default: 'success'.
     """

    user_id: int
    deleted: ForgetResponseDeleted
    status: Literal['success'] | Unset = 'success'
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.forget_response_deleted import ForgetResponseDeleted # noqa: PLC0415
        user_id = self.user_id

        deleted = self.deleted.to_dict()

        status = self.status


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "user_id": user_id,
            "deleted": deleted,
        })
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.forget_response_deleted import ForgetResponseDeleted # noqa: PLC0415
        d = dict(src_dict)
        user_id = d.pop("user_id")

        deleted = ForgetResponseDeleted.from_dict(d.pop("deleted"))




        status = cast(Literal['success'] | Unset , d.pop("status", UNSET))
        if status != 'success'and not isinstance(status, Unset):
            raise ValueError(f"status must match const 'success', got '{status}'")

        forget_response = cls(
            user_id=user_id,
            deleted=deleted,
            status=status,
        )


        forget_response.additional_properties = d
        return forget_response

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
