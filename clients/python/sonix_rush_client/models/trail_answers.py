from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from typing import Literal, cast

if TYPE_CHECKING:
  from ..models.trail_questionnaire import TrailQuestionnaire





T = TypeVar("T", bound="TrailAnswers")



@_attrs_define
class TrailAnswers:
    """ 
        Attributes:
            shoe_type (Literal['trail']):
            answers (TrailQuestionnaire):
     """

    shoe_type: Literal['trail']
    answers: TrailQuestionnaire





    def to_dict(self) -> dict[str, Any]:
        from ..models.trail_questionnaire import TrailQuestionnaire # noqa: PLC0415
        shoe_type = self.shoe_type

        answers = self.answers.to_dict()


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "shoe_type": shoe_type,
            "answers": answers,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.trail_questionnaire import TrailQuestionnaire # noqa: PLC0415
        d = dict(src_dict)
        shoe_type = cast(Literal['trail'] , d.pop("shoe_type"))
        if shoe_type != 'trail':
            raise ValueError(f"shoe_type must match const 'trail', got '{shoe_type}'")

        answers = TrailQuestionnaire.from_dict(d.pop("answers"))




        trail_answers = cls(
            shoe_type=shoe_type,
            answers=answers,
        )

        return trail_answers

