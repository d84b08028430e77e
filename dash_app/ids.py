"""Component ids of the dashboard, one constant each, prefixed by the part of the page."""

# header and page state
HEADER_TITLE = "header-title"
PAGE_PROBLEMS = "page-problems"
STORE_WHATIF = "store-whatif"
PAGE_BODY = "page-body"

# first load: progress of the baseline run
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

# time cursor shared by the page
CURSOR_SLIDER = "cursor-slider"
CURSOR_LABEL = "cursor-label"

# KPI cards
KPI_ROW = "kpi-row"

# charts and tables
TIMELINE_GRAPH = "timeline-graph"
MAP_GRAPH = "map-graph"
TABLE_AREAS = "table-areas"
ASSETS_GRAPH = "assets-graph"
TABS = "tabs"

# needs panel (a tab): per-day needs of the selected area and service
NEEDS_PANEL = "needs-panel"
NEEDS_TITLE = "needs-title"
NEEDS_TABLE = "needs-table"
NEEDS_NOTE = "needs-note"

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
