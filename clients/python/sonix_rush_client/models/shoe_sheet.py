from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.shoe_sheet_shoe_type import ShoeSheetShoeType
from ..models.shoe_sheet_widths_item import ShoeSheetWidthsItem
from typing import cast

if TYPE_CHECKING:
  from ..models.shoe_sheet_specs import ShoeSheetSpecs





T = TypeVar("T", bound="ShoeSheet")



@_attrs_define
class ShoeSheet:
    """ 
        Attributes:
            shoe_id (str):
            name (str):
            brand (str):
            release_year (int | None):
            spec_source (str): published or estimated
            shoe_type (ShoeSheetShoeType):
            widths (list[ShoeSheetWidthsItem]):
            specs (ShoeSheetSpecs): every feature of the shoe's type
            specs_in_words (list[str]):
     """

    shoe_id: str
    name: str
    brand: str
    release_year: int | None
    spec_source: str
    shoe_type: ShoeSheetShoeType
    widths: list[ShoeSheetWidthsItem]
    specs: ShoeSheetSpecs
    specs_in_words: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.shoe_sheet_specs import ShoeSheetSpecs # noqa: PLC0415
        shoe_id = self.shoe_id

        name = self.name

        brand = self.brand

        release_year: int | None
        release_year = self.release_year

        spec_source = self.spec_source

        shoe_type = self.shoe_type.value

        widths = []
        for widths_item_data in self.widths:
            widths_item = widths_item_data.value
            widths.append(widths_item)



        specs = self.specs.to_dict()

        specs_in_words = self.specs_in_words




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "shoe_id": shoe_id,
            "name": name,
            "brand": brand,
            "release_year": release_year,
            "spec_source": spec_source,
            "shoe_type": shoe_type,
            "widths": widths,
            "specs": specs,
            "specs_in_words": specs_in_words,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.shoe_sheet_specs import ShoeSheetSpecs # noqa: PLC0415
        d = dict(src_dict)
        shoe_id = d.pop("shoe_id")

        name = d.pop("name")

        brand = d.pop("brand")

        def _parse_release_year(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        release_year = _parse_release_year(d.pop("release_year"))


        spec_source = d.pop("spec_source")

        shoe_type = ShoeSheetShoeType(d.pop("shoe_type"))




        widths = []
        _widths = d.pop("widths")
        for widths_item_data in (_widths):
            widths_item = ShoeSheetWidthsItem(widths_item_data)



            widths.append(widths_item)


        specs = ShoeSheetSpecs.from_dict(d.pop("specs"))




        specs_in_words = cast(list[str], d.pop("specs_in_words"))


        shoe_sheet = cls(
            shoe_id=shoe_id,
            name=name,
            brand=brand,
            release_year=release_year,
            spec_source=spec_source,
            shoe_type=shoe_type,
            widths=widths,
            specs=specs,
            specs_in_words=specs_in_words,
        )


        shoe_sheet.additional_properties = d
        return shoe_sheet

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
