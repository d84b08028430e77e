"""Component ids of the dashboard, one constant each, prefixed by the part of the page."""

__all__ = [
    "ASSETS_GRAPH",
    "BASELINE_ONLY",
    "COMPARE_GRAPH",
    "COMPARE_NOTE",
    "COMPARE_PANEL",
    "COMPARE_TABLE",
    "COMPARE_TITLE",
    "CURSOR_LABEL",
    "CURSOR_SLIDER",
    "DOWNLOAD",
    "DOWNLOAD_FULL_CSV",
    "DOWNLOAD_FULL_NC",
    "DOWNLOAD_FULL_XLSX",
    "DOWNLOAD_NEEDS_CSV",
    "DOWNLOAD_NEEDS_XLSX",
    "DOWNLOAD_STATUS",
    "DOWNLOAD_VIEW_CSV",
    "DOWNLOAD_VIEW_NC",
    "DOWNLOAD_VIEW_XLSX",
    "FILTER_AREA",
    "FILTER_BAND",
    "FILTER_MODE",
    "FILTER_PLAN",
    "FILTER_SERVICE",
    "FILTER_WINDOW",
    "GRID_GRAPH",
    "GRID_NOTE",
    "GRID_ONLY",
    "GRID_PANEL",
    "GRID_ZONE",
    "GRID_ZONE_PICKER",
    "HEADER_TITLE",
    "KPI_ROW",
    "MAP_COLOUR",
    "MAP_COLOUR_BOX",
    "MAP_GRAPH",
    "MAP_LEVEL",
    "MAP_MEASURE",
    "MAP_MEASURE_BOX",
    "MAP_NOTE",
    "NEEDS_NOTE",
    "NEEDS_PANEL",
    "NEEDS_TABLE",
    "NEEDS_TITLE",
    "OBSERVATION_SCORE",
    "PAGE_BODY",
    "PAGE_PROBLEMS",
    "PROGRESS_BAR",
    "PROGRESS_ERROR",
    "PROGRESS_INTERVAL",
    "PROGRESS_LABEL",
    "SENSITIVITY_BY",
    "SENSITIVITY_GRAPH",
    "SENSITIVITY_NOTE",
    "SENSITIVITY_PANEL",
    "STORE_WHATIF",
    "TABLE_AREAS",
    "TABS",
    "TIMELINE_GRAPH",
    "WHATIF_BACKUP",
    "WHATIF_REPAIR",
    "WHATIF_RESET",
    "WHATIF_RUN",
    "WHATIF_STATUS",
    "WHATIF_STRIKES",
]

# header and page state
HEADER_TITLE = "header-title"
PAGE_PROBLEMS = "page-problems"
STORE_WHATIF = "store-whatif"
PAGE_BODY = "page-body"

# first load: progress of the first runs
PROGRESS_INTERVAL = "progress-interval"
PROGRESS_BAR = "progress-bar"
PROGRESS_LABEL = "progress-label"
PROGRESS_ERROR = "progress-error"

# filters (sidebar)
FILTER_SERVICE = "filter-service"
FILTER_AREA = "filter-area"
FILTER_WINDOW = "filter-window"
FILTER_MODE = "filter-mode"
FILTER_BAND = "filter-band"
#: The planning statistic every headline figure leads with (median, 75 %, 90 %, 95 %).
FILTER_PLAN = "filter-plan"

# time cursor shared by the page
CURSOR_SLIDER = "cursor-slider"
CURSOR_LABEL = "cursor-label"

# KPI cards, and under them the score of the reported figures
KPI_ROW = "kpi-row"
OBSERVATION_SCORE = "observation-score"

# charts and tables
TIMELINE_GRAPH = "timeline-graph"
MAP_GRAPH = "map-graph"
MAP_LEVEL = "map-level"
MAP_COLOUR = "map-colour"
MAP_COLOUR_BOX = "map-colour-box"
MAP_MEASURE = "map-measure"
MAP_MEASURE_BOX = "map-measure-box"
MAP_NOTE = "map-note"
TABLE_AREAS = "table-areas"
ASSETS_GRAPH = "assets-graph"
TABS = "tabs"

# needs panel (a tab): per-day needs of the selected area and service
NEEDS_PANEL = "needs-panel"
NEEDS_TITLE = "needs-title"
NEEDS_TABLE = "needs-table"
NEEDS_NOTE = "needs-note"

# what drives the range (a tab): variance shares of the selected area and service
SENSITIVITY_PANEL = "sensitivity-panel"
SENSITIVITY_BY = "sensitivity-by"
SENSITIVITY_GRAPH = "sensitivity-graph"
SENSITIVITY_NOTE = "sensitivity-note"

# the grid's capacity balance (a tab; only when the run has a grid): demand not met in one grid zone
GRID_PANEL = "grid-panel"
GRID_ZONE_PICKER = "grid-zone-picker"
GRID_ZONE = "grid-zone"
GRID_GRAPH = "grid-graph"
GRID_NOTE = "grid-note"

#: Ids on the page only when the run has a grid capacity balance (some asset has ``capacity_mw``).
GRID_ONLY = frozenset({GRID_PANEL, GRID_ZONE_PICKER, GRID_ZONE, GRID_GRAPH, GRID_NOTE})

# comparison with a baseline scenario B (a tab; only with ``impact serve A --baseline B``)
COMPARE_PANEL = "compare-panel"
COMPARE_TITLE = "compare-title"
COMPARE_TABLE = "compare-table"
COMPARE_GRAPH = "compare-graph"
COMPARE_NOTE = "compare-note"

#: Ids on the page only when a baseline scenario B is given.
BASELINE_ONLY = frozenset({COMPARE_PANEL, COMPARE_TITLE, COMPARE_TABLE, COMPARE_GRAPH, COMPARE_NOTE})

# what-ifs
WHATIF_REPAIR = "whatif-repair"
WHATIF_BACKUP = "whatif-backup"
WHATIF_STRIKES = "whatif-strikes"
WHATIF_RUN = "whatif-run"
WHATIF_RESET = "whatif-reset"
WHATIF_STATUS = "whatif-status"

# downloads
DOWNLOAD_VIEW_CSV = "download-view-csv"
DOWNLOAD_VIEW_XLSX = "download-view-xlsx"
DOWNLOAD_VIEW_NC = "download-view-nc"
DOWNLOAD_FULL_CSV = "download-full-csv"
DOWNLOAD_FULL_XLSX = "download-full-xlsx"
DOWNLOAD_FULL_NC = "download-full-nc"
DOWNLOAD_NEEDS_CSV = "download-needs-csv"
DOWNLOAD_NEEDS_XLSX = "download-needs-xlsx"
DOWNLOAD = "download"
DOWNLOAD_STATUS = "download-status"
