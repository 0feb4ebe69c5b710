from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from typing import Literal, cast

if TYPE_CHECKING:
  from ..models.road_questionnaire import RoadQuestionnaire





T = TypeVar("T", bound="RoadAnswers")



@_attrs_define
class RoadAnswers:
    """ 
        Attributes:
            shoe_type (Literal['road']):
            answers (RoadQuestionnaire):
     """

    shoe_type: Literal['road']
    answers: RoadQuestionnaire





    def to_dict(self) -> dict[str, Any]:
        from ..models.road_questionnaire import RoadQuestionnaire # noqa: PLC0415
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
        from ..models.road_questionnaire import RoadQuestionnaire # noqa: PLC0415
        d = dict(src_dict)
        shoe_type = cast(Literal['road'] , d.pop("shoe_type"))
        if shoe_type != 'road':
            raise ValueError(f"shoe_type must match const 'road', got '{shoe_type}'")

        answers = RoadQuestionnaire.from_dict(d.pop("answers"))




        road_answers = cls(
            shoe_type=shoe_type,
            answers=answers,
        )

        return road_answers

