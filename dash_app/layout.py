"""The page: header, filters and what-ifs on the left, KPI cards, cursor and charts on the right."""

from __future__ import annotations

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from dash_app import ids
from dash_app.data import DashboardData
from dash_app.views import area_options, default_window, local_label, time_marks
from impact.figures import top_area
from impact.whatif import strike_labels

#: Plotly options of every graph: no logo, no link to the plotly cloud, a short tool bar.
GRAPH_CONFIG = {
    "displaylogo": False, "showLink": False, "responsive": True, "displayModeBar": "hover",
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d",
                               "toggleSpikelines", "hoverClosestCartesian", "hoverCompareCartesian"],
}

SERVICE_LABELS = {"power": "Electricity", "water": "Water", "heat": "Heating"}


def problems_page(data: DashboardData) -> html.Div:
    """What the page shows for a scenario that failed validation."""
    return dbc.Container([
        html.H1("Scenario could not be loaded", id=ids.HEADER_TITLE, className="h3 mt-3"),
        dbc.Alert([
            html.P(f"{data.source}: {len(data.problems)} problem(s). Fix them and restart the dashboard; "
                   "`impact validate` lists the same problems."),
            html.Ul([html.Li(html.Code(problem)) for problem in data.problems], id=ids.PAGE_PROBLEMS),
        ], color="danger"),
    ], fluid=True)


def _labelled(label: str, control, control_id: str) -> html.Div:
    return html.Div([dbc.Label(label, html_for=control_id, className="fw-semibold small mb-1"), control],
                    className="mb-3")


def _sidebar(data: DashboardData, ds) -> html.Div:
    steps = ds.sizes["time"]
    strikes = strike_labels(data.scenario)
    return html.Div([
        html.H2("Filters", className="h6 text-uppercase text-muted"),
        _labelled("Service", dbc.RadioItems(
            id=ids.FILTER_SERVICE, value="power", inline=True,
            options=[{"label": SERVICE_LABELS.get(str(s), str(s)), "value": str(s)} for s in ds["service"].values],
        ), ids.FILTER_SERVICE),
        _labelled("Area", dcc.Dropdown(id=ids.FILTER_AREA, options=area_options(ds), value=top_area(ds),
                                       clearable=False, optionHeight=32), ids.FILTER_AREA),
        _labelled("Time window", dcc.RangeSlider(
            id=ids.FILTER_WINDOW, min=0, max=steps - 1, step=1, value=list(default_window(ds)),
            marks=time_marks(ds, 4), allowCross=False, updatemode="mouseup", allow_direct_input=False),
            ids.FILTER_WINDOW),
        _labelled("Timeline shows", dbc.RadioItems(id=ids.FILTER_MODE, value="band", options=[
            {"label": "selected service with uncertainty", "value": "band"},
            {"label": "one line per service", "value": "services"},
            {"label": "one line per area below", "value": "areas"},
        ]), ids.FILTER_MODE),
        dbc.Checklist(id=ids.FILTER_BAND, value=["band"], switch=True,
                      options=[{"label": "5–95 % band", "value": "band"}], className="mb-3"),
        html.Hr(),
        html.H2("What-if", className="h6 text-uppercase text-muted"),
        _labelled("Repair time × (1 = as assumed, 0.5 = twice as fast)", dcc.Slider(
            id=ids.WHATIF_REPAIR, min=0.25, max=3, step=0.25, value=1,
            marks={0.25: "¼", 0.5: "½", 1: "1", 2: "2", 3: "3"}), ids.WHATIF_REPAIR),
        _labelled("Extra backup at pumping stations and boiler houses [hours]", dbc.Input(
            id=ids.WHATIF_BACKUP, type="number", min=0, max=720, step=1, value=0), ids.WHATIF_BACKUP),
        _labelled("Strikes (untick to switch off)", dbc.Checklist(
            id=ids.WHATIF_STRIKES, value=list(strikes["strike_id"]),
            options=[{"label": label, "value": sid} for sid, label in zip(strikes["strike_id"], strikes["label"],
                                                                         strict=True)],
            className="small", style={"maxHeight": "10rem", "overflowY": "auto"}), ids.WHATIF_STRIKES),
        dbc.ButtonGroup([
            dbc.Button("Run what-if", id=ids.WHATIF_RUN, color="primary", size="sm"),
            dbc.Button("Back to baseline", id=ids.WHATIF_RESET, color="secondary", outline=True, size="sm"),
        ], className="mb-2"),
        html.Div("Showing the baseline.", id=ids.WHATIF_STATUS, className="small text-muted mb-3", role="status"),
        html.Hr(),
        html.H2("Download", className="h6 text-uppercase text-muted"),
        html.Div("Current view (service, area and below, time window):", className="small"),
        dbc.ButtonGroup([
            dbc.Button("CSV (HXL)", id=ids.DOWNLOAD_VIEW_CSV, size="sm", outline=True, color="dark"),
            dbc.Button("Excel", id=ids.DOWNLOAD_VIEW_XLSX, size="sm", outline=True, color="dark"),
            dbc.Button("NetCDF", id=ids.DOWNLOAD_VIEW_NC, size="sm", outline=True, color="dark"),
        ], className="mb-2"),
        html.Div("Full run:", className="small"),
        dbc.ButtonGroup([
            dbc.Button("CSV (HXL)", id=ids.DOWNLOAD_FULL_CSV, size="sm", outline=True, color="dark"),
            dbc.Button("Excel", id=ids.DOWNLOAD_FULL_XLSX, size="sm", outline=True, color="dark"),
            dbc.Button("NetCDF", id=ids.DOWNLOAD_FULL_NC, size="sm", outline=True, color="dark"),
        ]),
        dcc.Download(id=ids.DOWNLOAD),
    ], className="p-3 bg-light border-end h-100")


def _number_column(field: str, header: str, width: int = 110, specifier: str = ",.0f") -> dict:
    return {"field": field, "headerName": header, "type": "numericColumn", "minWidth": width, "flex": 1,
            "valueFormatter": {"function": f"params.value == null ? '' : d3.format('{specifier}')(params.value)"}}


def _table() -> dag.AgGrid:
    """The areas table: sortable by any column, ranked by people without service."""
    return dag.AgGrid(
        id=ids.TABLE_AREAS,
        columnDefs=[
            {"field": "name", "headerName": "area", "flex": 2, "minWidth": 170, "tooltipField": "name"},
            {"field": "area_id", "headerName": "P-code", "minWidth": 105, "flex": 1, "tooltipField": "area_id"},
            {"field": "admin_level", "headerName": "level", "type": "numericColumn", "width": 70},
            _number_column("people_without", "without (central)", 125),
            _number_column("low", "5 %", 85), _number_column("high", "95 %", 85),
            _number_column("population", "population", 95),
            _number_column("share", "share [%]", 85, ".1f"),
        ],
        rowData=[],
        defaultColDef={"sortable": True, "resizable": True},
        dashGridOptions={"domLayout": "autoHeight", "pagination": True, "paginationPageSize": 15,
                         "animateRows": False},
        getRowId="params.data.area_id",
        className="ag-theme-alpine",
        style={"width": "100%"},
    )


def page(data: DashboardData) -> html.Div:
    """The whole page for a loaded scenario (or :func:`problems_page`)."""
    if not data.ok:
        return problems_page(data)
    ds = data.result().dataset
    steps = ds.sizes["time"]
    power_peak = ds["peak_time_central"].sel(service="power", area=top_area(ds)).values
    start_step = int(ds.indexes["time"].get_indexer([power_peak], method="nearest")[0]) if str(power_peak) != "NaT" \
        else 0
    return html.Div([
        dcc.Store(id=ids.STORE_WHATIF, data=None),
        dbc.Navbar(dbc.Container([
            html.Span([
                html.H1(data.title, id=ids.HEADER_TITLE, className="h5 mb-0 text-white"),
                html.Small(f"scenario {data.scenario.id} · {data.samples} samples · seed {data.seed} · "
                           f"times {ds.attrs['timezone']}", className="text-white-50"),
            ]),
            dbc.Badge("illustrative data" if "ILLUSTRATIVE" in data.title.upper() else "", color="warning",
                      text_color="dark"),
        ], fluid=True), color="dark", dark=True, className="py-2"),
        dbc.Container(dbc.Row([
            dbc.Col(_sidebar(data, ds), width=3, className="px-0"),
            dbc.Col([
                dbc.Row(id=ids.KPI_ROW, className="g-2 my-2"),
                html.Div([
                    dbc.Label("Time cursor", html_for=ids.CURSOR_SLIDER, className="fw-semibold small mb-0 me-2"),
                    html.Span(local_label(ds, start_step), id=ids.CURSOR_LABEL, className="small",
                              **{"aria-live": "polite"}),
                    dcc.Slider(id=ids.CURSOR_SLIDER, min=0, max=steps - 1, step=1, value=start_step,
                               marks=time_marks(ds), updatemode="mouseup", allow_direct_input=False),
                ], className="mb-2"),
                dbc.Row([
                    dbc.Col(dcc.Graph(id=ids.TIMELINE_GRAPH, config=GRAPH_CONFIG, style={"height": "380px"}),
                            width=7),
                    dbc.Col(dcc.Graph(id=ids.MAP_GRAPH, config=GRAPH_CONFIG, style={"height": "380px"}), width=5),
                ], className="g-2"),
                dcc.Tabs(id=ids.TABS, value="areas", children=[
                    dcc.Tab(label="Areas ranked at the cursor", value="areas", children=_table()),
                    dcc.Tab(label="Asset status (ports and logistics included)", value="assets",
                            children=dcc.Graph(id=ids.ASSETS_GRAPH, config=GRAPH_CONFIG, style={"height": "360px"})),
                ], className="mt-2"),
                html.P(ds.attrs.get("caveats", ""), className="small text-muted mt-2"),
            ], width=9),
        ]), fluid=True),
    ])
