from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.serving_model_metrics_type_0 import ServingModelMetricsType0





T = TypeVar("T", bound="ServingModel")



@_attrs_define
class ServingModel:
    """ 
        Attributes:
            version (None | str):
            age_s (float | None):
            metrics (None | ServingModelMetricsType0 | Unset):
            mode (None | str | Unset):
            n_users (int | None | Unset):
     """

    version: None | str
    age_s: float | None
    metrics: None | ServingModelMetricsType0 | Unset = UNSET
    mode: None | str | Unset = UNSET
    n_users: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.serving_model_metrics_type_0 import ServingModelMetricsType0 # noqa: PLC0415
        version: None | str
        version = self.version

        age_s: float | None
        age_s = self.age_s

        metrics: dict[str, Any] | None | Unset
        if isinstance(self.metrics, Unset):
            metrics = UNSET
        elif isinstance(self.metrics, ServingModelMetricsType0):
            metrics = self.metrics.to_dict()
        else:
            metrics = self.metrics

        mode: None | str | Unset
        if isinstance(self.mode, Unset):
            mode = UNSET
        else:
            mode = self.mode

        n_users: int | None | Unset
        if isinstance(self.n_users, Unset):
            n_users = UNSET
        else:
            n_users = self.n_users


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "version": version,
            "age_s": age_s,
        })
        if metrics is not UNSET:
            field_dict["metrics"] = metrics
        if mode is not UNSET:
            field_dict["mode"] = mode
        if n_users is not UNSET:
            field_dict["n_users"] = n_users

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.serving_model_metrics_type_0 import ServingModelMetricsType0 # noqa: PLC0415
        d = dict(src_dict)
        def _parse_version(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        version = _parse_version(d.pop("version"))


        def _parse_age_s(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        age_s = _parse_age_s(d.pop("age_s"))


        def _parse_metrics(data: object) -> None | ServingModelMetricsType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metrics_type_0 = ServingModelMetricsType0.from_dict(data)



                return metrics_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ServingModelMetricsType0 | Unset, data)

        metrics = _parse_metrics(d.pop("metrics", UNSET))


        def _parse_mode(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        mode = _parse_mode(d.pop("mode", UNSET))


        def _parse_n_users(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        n_users = _parse_n_users(d.pop("n_users", UNSET))


        serving_model = cls(
            version=version,
            age_s=age_s,
            metrics=metrics,
            mode=mode,
            n_users=n_users,
        )


        serving_model.additional_properties = d
        return serving_model

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
