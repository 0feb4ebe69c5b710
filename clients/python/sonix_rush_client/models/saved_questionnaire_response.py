from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.saved_questionnaire_response_shoe_type import SavedQuestionnaireResponseShoeType
from ..types import UNSET, Unset
from typing import cast
from typing import Literal, cast

if TYPE_CHECKING:
  from ..models.saved_questionnaire_response_answers import SavedQuestionnaireResponseAnswers





T = TypeVar("T", bound="SavedQuestionnaireResponse")



@_attrs_define
class SavedQuestionnaireResponse:
    """ 
        Attributes:
            user_id (int):
            shoe_type (SavedQuestionnaireResponseShoeType):
            answers (SavedQuestionnaireResponseAnswers):
            status (Literal['success'] | Unset):  Default: 'success'.
     """

    user_id: int
    shoe_type: SavedQuestionnaireResponseShoeType
    answers: SavedQuestionnaireResponseAnswers
    status: Literal['success'] | Unset = 'success'
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.saved_questionnaire_response_answers import SavedQuestionnaireResponseAnswers # noqa: PLC0415
        user_id = self.user_id

        shoe_type = self.shoe_type.value

        answers = self.answers.to_dict()

        status = self.status


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "user_id": user_id,
            "shoe_type": shoe_type,
            "answers": answers,
        })
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.saved_questionnaire_response_answers import SavedQuestionnaireResponseAnswers # noqa: PLC0415
        d = dict(src_dict)
        user_id = d.pop("user_id")

        shoe_type = SavedQuestionnaireResponseShoeType(d.pop("shoe_type"))




        answers = SavedQuestionnaireResponseAnswers.from_dict(d.pop("answers"))




        status = cast(Literal['success'] | Unset , d.pop("status", UNSET))
        if status != 'success'and not isinstance(status, Unset):
            raise ValueError(f"status must match const 'success', got '{status}'")

        saved_questionnaire_response = cls(
            user_id=user_id,
            shoe_type=shoe_type,
            answers=answers,
            status=status,
        )


        saved_questionnaire_response.additional_properties = d
        return saved_questionnaire_response

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
