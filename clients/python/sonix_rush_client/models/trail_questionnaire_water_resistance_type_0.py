from enum import StrEnum

class TrailQuestionnaireWaterResistanceType0(StrEnum):
    WATERPROOF = "Waterproof"
    WATER_REPELLENT = "Water Repellent"

    def __str__(self) -> str:
        return str(self.value)
