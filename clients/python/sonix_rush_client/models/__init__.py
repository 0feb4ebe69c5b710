""" Contains all the data models used in inputs/outputs """

from .admin_report_unversioned_shoe_type import AdminReportUnversionedShoeType
from .cf_engine_info import CFEngineInfo
from .cf_publication import CFPublication
from .content_item import ContentItem
from .content_response import ContentResponse
from .feed_item import FeedItem
from .feed_item_reason import FeedItemReason
from .feed_response import FeedResponse
from .feed_response_source import FeedResponseSource
from .field_problem import FieldProblem
from .forget_response import ForgetResponse
from .forget_response_deleted import ForgetResponseDeleted
from .get_feed_type_type_0 import GetFeedTypeType0
from .get_feed_unversioned_type_type_0 import GetFeedUnversionedTypeType0
from .health_response import HealthResponse
from .health_response_content_models import HealthResponseContentModels
from .health_response_last_rebuild_type_0 import HealthResponseLastRebuildType0
from .health_response_status import HealthResponseStatus
from .health_response_store import HealthResponseStore
from .history_response import HistoryResponse
from .like import Like
from .list_shoes_plate_type_0 import ListShoesPlateType0
from .list_shoes_sort import ListShoesSort
from .list_shoes_stability_type_0 import ListShoesStabilityType0
from .list_shoes_type_type_0 import ListShoesTypeType0
from .list_shoes_water_resistance_type_0 import ListShoesWaterResistanceType0
from .list_shoes_width_type_0 import ListShoesWidthType0
from .live_response import LiveResponse
from .model_status_response import ModelStatusResponse
from .model_status_response_ct import ModelStatusResponseCt
from .model_status_response_last_rebuild_type_0 import ModelStatusResponseLastRebuildType0
from .model_status_response_processes_type_0_item import ModelStatusResponseProcessesType0Item
from .model_status_response_serving import ModelStatusResponseServing
from .neighbour import Neighbour
from .online_metrics_response import OnlineMetricsResponse
from .online_metrics_response_history_item import OnlineMetricsResponseHistoryItem
from .online_metrics_response_latest_type_0 import OnlineMetricsResponseLatestType0
from .overview_response import OverviewResponse
from .problem import Problem
from .rating import Rating
from .ready_response import ReadyResponse
from .rebuild import Rebuild
from .rebuild_outcome import RebuildOutcome
from .reload_response import ReloadResponse
from .reload_response_serving import ReloadResponseServing
from .removal_response import RemovalResponse
from .road_answers import RoadAnswers
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
from .runner_interaction import RunnerInteraction
from .runner_interaction_action import RunnerInteractionAction
from .runner_lookup import RunnerLookup
from .runner_lookup_feed_type_0 import RunnerLookupFeedType0
from .saved_questionnaire_response import SavedQuestionnaireResponse
from .saved_questionnaire_response_answers import SavedQuestionnaireResponseAnswers
from .saved_questionnaire_response_shoe_type import SavedQuestionnaireResponseShoeType
from .serving_model import ServingModel
from .serving_model_metrics_type_0 import ServingModelMetricsType0
from .shoe_page import ShoePage
from .shoe_sheet import ShoeSheet
from .shoe_sheet_attributes import ShoeSheetAttributes
from .shoe_sheet_provenance import ShoeSheetProvenance
from .shoe_sheet_response import ShoeSheetResponse
from .shoe_sheet_shoe_type import ShoeSheetShoeType
from .shoe_sheet_specs import ShoeSheetSpecs
from .shoe_sheet_status import ShoeSheetStatus
from .shoe_sheet_widths_item import ShoeSheetWidthsItem
from .shoe_summary import ShoeSummary
from .shoe_summary_shoe_type import ShoeSummaryShoeType
from .shoe_summary_widths_item import ShoeSummaryWidthsItem
from .similar_shoe import SimilarShoe
from .similar_shoe_reason import SimilarShoeReason
from .similar_shoe_shoe_type import SimilarShoeShoeType
from .similar_shoes_response import SimilarShoesResponse
from .traffic_response import TrafficResponse
from .traffic_row import TrafficRow
from .trail_answers import TrailAnswers
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
    "CFPublication",
    "ContentItem",
    "ContentResponse",
    "FeedItem",
    "FeedItemReason",
    "FeedResponse",
    "FeedResponseSource",
    "FieldProblem",
    "ForgetResponse",
    "ForgetResponseDeleted",
    "GetFeedTypeType0",
    "GetFeedUnversionedTypeType0",
    "HealthResponse",
    "HealthResponseContentModels",
    "HealthResponseLastRebuildType0",
    "HealthResponseStatus",
    "HealthResponseStore",
    "HistoryResponse",
    "Like",
    "ListShoesPlateType0",
    "ListShoesSort",
    "ListShoesStabilityType0",
    "ListShoesTypeType0",
    "ListShoesWaterResistanceType0",
    "ListShoesWidthType0",
    "LiveResponse",
    "ModelStatusResponse",
    "ModelStatusResponseCt",
    "ModelStatusResponseLastRebuildType0",
    "ModelStatusResponseProcessesType0Item",
    "ModelStatusResponseServing",
    "Neighbour",
    "OnlineMetricsResponse",
    "OnlineMetricsResponseHistoryItem",
    "OnlineMetricsResponseLatestType0",
    "OverviewResponse",
    "Problem",
    "Rating",
    "ReadyResponse",
    "Rebuild",
    "RebuildOutcome",
    "ReloadResponse",
    "ReloadResponseServing",
    "RemovalResponse",
    "RoadAnswers",
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
    "RunnerInteraction",
    "RunnerInteractionAction",
    "RunnerLookup",
    "RunnerLookupFeedType0",
    "SavedQuestionnaireResponse",
    "SavedQuestionnaireResponseAnswers",
    "SavedQuestionnaireResponseShoeType",
    "ServingModel",
    "ServingModelMetricsType0",
    "ShoePage",
    "ShoeSheet",
    "ShoeSheetAttributes",
    "ShoeSheetProvenance",
    "ShoeSheetResponse",
    "ShoeSheetShoeType",
    "ShoeSheetSpecs",
    "ShoeSheetStatus",
    "ShoeSheetWidthsItem",
    "ShoeSummary",
    "ShoeSummaryShoeType",
    "ShoeSummaryWidthsItem",
    "SimilarShoe",
    "SimilarShoeReason",
    "SimilarShoeShoeType",
    "SimilarShoesResponse",
    "TrafficResponse",
    "TrafficRow",
    "TrailAnswers",
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
