from enum import StrEnum

class ListShoesSort(StrEnum):
    BRAND = "brand"
    DROP_MM = "drop_mm"
    HEEL_STACK_MM = "heel_stack_mm"
    NAME = "name"
    PRICE_USD = "price_usd"
    RELEASE_YEAR = "release_year"
    SHOE_ID = "shoe_id"
    VALUE_10 = "-release_year"
    VALUE_12 = "-price_usd"
    VALUE_4 = "-weight_g"
    VALUE_6 = "-drop_mm"
    VALUE_8 = "-heel_stack_mm"
    WEIGHT_G = "weight_g"

    def __str__(self) -> str:
        return str(self.value)
