from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.rebuild_outcome import RebuildOutcome
from typing import cast






T = TypeVar("T", bound="Rebuild")



@_attrs_define
class Rebuild:
    """ 
        Attributes:
            version (str):
            created_at (str):
            mode (str):
            outcome (RebuildOutcome):
            duration_s (float | None):
            n_users (int | None):
            candidate_ndcg (float | None): Gate NDCG@10 of the candidate
            serving_ndcg (float | None): Gate NDCG@10 of the serving engine, same slice
            reason (None | str): Why a rebuild was refused or failed
     """

    version: str
    created_at: str
    mode: str
    outcome: RebuildOutcome
    duration_s: float | None
    n_users: int | None
    candidate_ndcg: float | None
    serving_ndcg: float | None
    reason: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        version = self.version

        created_at = self.created_at

        mode = self.mode

        outcome = self.outcome.value

        duration_s: float | None
        duration_s = self.duration_s

        n_users: int | None
        n_users = self.n_users

        candidate_ndcg: float | None
        candidate_ndcg = self.candidate_ndcg

        serving_ndcg: float | None
        serving_ndcg = self.serving_ndcg

        reason: None | str
        reason = self.reason


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "version": version,
            "created_at": created_at,
            "mode": mode,
            "outcome": outcome,
            "duration_s": duration_s,
            "n_users": n_users,
            "candidate_ndcg": candidate_ndcg,
            "serving_ndcg": serving_ndcg,
            "reason": reason,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        version = d.pop("version")

        created_at = d.pop("created_at")

        mode = d.pop("mode")

        outcome = RebuildOutcome(d.pop("outcome"))




        def _parse_duration_s(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        duration_s = _parse_duration_s(d.pop("duration_s"))


        def _parse_n_users(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        n_users = _parse_n_users(d.pop("n_users"))


        def _parse_candidate_ndcg(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        candidate_ndcg = _parse_candidate_ndcg(d.pop("candidate_ndcg"))


        def _parse_serving_ndcg(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        serving_ndcg = _parse_serving_ndcg(d.pop("serving_ndcg"))


        def _parse_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reason = _parse_reason(d.pop("reason"))


        rebuild = cls(
            version=version,
            created_at=created_at,
            mode=mode,
            outcome=outcome,
            duration_s=duration_s,
            n_users=n_users,
            candidate_ndcg=candidate_ndcg,
            serving_ndcg=serving_ndcg,
            reason=reason,
        )


        rebuild.additional_properties = d
        return rebuild

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
