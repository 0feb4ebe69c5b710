""" Contains all the data models used in inputs/outputs """

from .admin_report_unversioned_shoe_type import AdminReportUnversionedShoeType
from .cf_engine_info import CFEngineInfo
from .content_item import ContentItem
from .content_response import ContentResponse
from .feed_item import FeedItem
from .feed_item_reason import FeedItemReason
from .feed_response import FeedResponse
from .field_problem import FieldProblem
from .health_response import HealthResponse
from .health_response_content_models import HealthResponseContentModels
from .health_response_last_rebuild_type_0 import HealthResponseLastRebuildType0
from .health_response_status import HealthResponseStatus
from .health_response_store import HealthResponseStore
from .history_response import HistoryResponse
from .like import Like
from .live_response import LiveResponse
from .model_status_response import ModelStatusResponse
from .model_status_response_ct import ModelStatusResponseCt
from .model_status_response_last_rebuild_type_0 import ModelStatusResponseLastRebuildType0
from .model_status_response_processes_type_0_item import ModelStatusResponseProcessesType0Item
from .model_status_response_serving import ModelStatusResponseServing
from .problem import Problem
from .rating import Rating
from .ready_response import ReadyResponse
from .rebuild import Rebuild
from .rebuild_outcome import RebuildOutcome
from .reload_response import ReloadResponse
from .reload_response_serving import ReloadResponseServing
from .road_questionnaire import RoadQuestionnaire
from .road_questionnaire_arch_type_type_0 import RoadQuestionnaireArchTypeType0
from .road_questionnaire_cushion_preferences_type_0 import RoadQuestionnaireCushionPreferencesType0
from .road_questionnaire_foot_width_type_0 import RoadQuestionnaireFootWidthType0
from .road_questionnaire_orthotic_usage_type_0 import RoadQuestionnaireOrthoticUsageType0
from .road_questionnaire_pace_type_0 import RoadQuestionnairePaceType0
from .road_questionnaire_running_purpose_type_0 import RoadQuestionnaireRunningPurposeType0
from .road_questionnaire_season_type_0 import RoadQuestionnaireSeasonType0
from .road_questionnaire_stability_need_type_0 import RoadQuestionnaireStabilityNeedType0
from .road_questionnaire_strike_pattern_type_0 import RoadQuestionnaireStrikePatternType0
from .serving_model import ServingModel
from .serving_model_metrics_type_0 import ServingModelMetricsType0
from .traffic_response import TrafficResponse
from .traffic_row import TrafficRow
from .trail_questionnaire import TrailQuestionnaire
from .trail_questionnaire_arch_type_type_0 import TrailQuestionnaireArchTypeType0
from .trail_questionnaire_foot_width_type_0 import TrailQuestionnaireFootWidthType0
from .trail_questionnaire_orthotic_usage_type_0 import TrailQuestionnaireOrthoticUsageType0
from .trail_questionnaire_pace_type_0 import TrailQuestionnairePaceType0
from .trail_questionnaire_rock_sensitive_type_0 import TrailQuestionnaireRockSensitiveType0
from .trail_questionnaire_season_type_0 import TrailQuestionnaireSeasonType0
from .trail_questionnaire_strike_pattern_type_0 import TrailQuestionnaireStrikePatternType0
from .trail_questionnaire_terrain_type_0 import TrailQuestionnaireTerrainType0
from .trail_questionnaire_water_resistance_type_0 import TrailQuestionnaireWaterResistanceType0

__all__ = (
    "AdminReportUnversionedShoeType",
    "CFEngineInfo",
    "ContentItem",
    "ContentResponse",
    "FeedItem",
    "FeedItemReason",
    "FeedResponse",
    "FieldProblem",
    "HealthResponse",
    "HealthResponseContentModels",
    "HealthResponseLastRebuildType0",
    "HealthResponseStatus",
    "HealthResponseStore",
    "HistoryResponse",
    "Like",
    "LiveResponse",
    "ModelStatusResponse",
    "ModelStatusResponseCt",
    "ModelStatusResponseLastRebuildType0",
    "ModelStatusResponseProcessesType0Item",
    "ModelStatusResponseServing",
    "Problem",
    "Rating",
    "ReadyResponse",
    "Rebuild",
    "RebuildOutcome",
    "ReloadResponse",
    "ReloadResponseServing",
    "RoadQuestionnaire",
    "RoadQuestionnaireArchTypeType0",
    "RoadQuestionnaireCushionPreferencesType0",
    "RoadQuestionnaireFootWidthType0",
    "RoadQuestionnaireOrthoticUsageType0",
    "RoadQuestionnairePaceType0",
    "RoadQuestionnaireRunningPurposeType0",
    "RoadQuestionnaireSeasonType0",
    "RoadQuestionnaireStabilityNeedType0",
    "RoadQuestionnaireStrikePatternType0",
    "ServingModel",
    "ServingModelMetricsType0",
    "TrafficResponse",
    "TrafficRow",
    "TrailQuestionnaire",
    "TrailQuestionnaireArchTypeType0",
    "TrailQuestionnaireFootWidthType0",
    "TrailQuestionnaireOrthoticUsageType0",
    "TrailQuestionnairePaceType0",
    "TrailQuestionnaireRockSensitiveType0",
    "TrailQuestionnaireSeasonType0",
    "TrailQuestionnaireStrikePatternType0",
    "TrailQuestionnaireTerrainType0",
    "TrailQuestionnaireWaterResistanceType0",
)
