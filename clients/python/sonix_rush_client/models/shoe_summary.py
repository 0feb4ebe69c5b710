from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.shoe_summary_shoe_type import ShoeSummaryShoeType
from ..models.shoe_summary_widths_item import ShoeSummaryWidthsItem
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ShoeSummary")



@_attrs_define
class ShoeSummary:
    """ 
        Attributes:
            shoe_id (str):
            shoe_type (ShoeSummaryShoeType):
            name (str):
            brand (str):
            release_year (int | None):
            weight_g (float):
            drop_mm (float):
            heel_stack_mm (float):
            plate (float): 0 none, 0.5 plastic, 1 carbon
            stability (float): 0 neutral, 1 guided
            water_resistance (float): 0 none, 0.5 water repellent, 1 waterproof
            widths (list[ShoeSummaryWidthsItem]):
            price_usd (float | None | Unset): RunRepeat's US price; null when unknown
     """

    shoe_id: str
    shoe_type: ShoeSummaryShoeType
    name: str
    brand: str
    release_year: int | None
    weight_g: float
    drop_mm: float
    heel_stack_mm: float
    plate: float
    stability: float
    water_resistance: float
    widths: list[ShoeSummaryWidthsItem]
    price_usd: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        shoe_id = self.shoe_id

        shoe_type = self.shoe_type.value

        name = self.name

        brand = self.brand

        release_year: int | None
        release_year = self.release_year

        weight_g = self.weight_g

        drop_mm = self.drop_mm

        heel_stack_mm = self.heel_stack_mm

        plate = self.plate

        stability = self.stability

        water_resistance = self.water_resistance

        widths = []
        for widths_item_data in self.widths:
            widths_item = widths_item_data.value
            widths.append(widths_item)



        price_usd: float | None | Unset
        if isinstance(self.price_usd, Unset):
            price_usd = UNSET
        else:
            price_usd = self.price_usd


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "shoe_id": shoe_id,
            "shoe_type": shoe_type,
            "name": name,
            "brand": brand,
            "release_year": release_year,
            "weight_g": weight_g,
            "drop_mm": drop_mm,
            "heel_stack_mm": heel_stack_mm,
            "plate": plate,
            "stability": stability,
            "water_resistance": water_resistance,
            "widths": widths,
        })
        if price_usd is not UNSET:
            field_dict["price_usd"] = price_usd

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        shoe_id = d.pop("shoe_id")

        shoe_type = ShoeSummaryShoeType(d.pop("shoe_type"))




        name = d.pop("name")

        brand = d.pop("brand")

        def _parse_release_year(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        release_year = _parse_release_year(d.pop("release_year"))


        weight_g = d.pop("weight_g")

        drop_mm = d.pop("drop_mm")

        heel_stack_mm = d.pop("heel_stack_mm")

        plate = d.pop("plate")

        stability = d.pop("stability")

        water_resistance = d.pop("water_resistance")

        widths = []
        _widths = d.pop("widths")
        for widths_item_data in (_widths):
            widths_item = ShoeSummaryWidthsItem(widths_item_data)



            widths.append(widths_item)


        def _parse_price_usd(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        price_usd = _parse_price_usd(d.pop("price_usd", UNSET))


        shoe_summary = cls(
            shoe_id=shoe_id,
            shoe_type=shoe_type,
            name=name,
            brand=brand,
            release_year=release_year,
            weight_g=weight_g,
            drop_mm=drop_mm,
            heel_stack_mm=heel_stack_mm,
            plate=plate,
            stability=stability,
            water_resistance=water_resistance,
            widths=widths,
            price_usd=price_usd,
        )


        shoe_summary.additional_properties = d
        return shoe_summary

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
