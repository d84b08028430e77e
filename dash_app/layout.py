"""The page: header, filters and what-ifs on the left, KPI cards, cursor and charts on the right.

Until the scenario's unmodified run is done the page holds the header and a progress panel
(:func:`progress_body`), which a :class:`dash.dcc.Interval` polls and the callback
``poll_progress`` replaces with the dashboard (:func:`dashboard_body`) when the run ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import xarray as xr
from dash import dcc, html

from dash_app import ids
from dash_app.data import DashboardData
from dash_app.progress import Status
from dash_app.text import (
    CENTRAL_LABEL,
    GRID_TAB,
    GRID_ZONE_LABEL,
    UNMODIFIED_STATUS,
    plan_choice_label,
    service_label,
    statistic_label,
)
from dash_app.views import (
    area_options,
    beyond_field,
    default_window,
    local_label,
    map_level,
    plan_of,
    time_marks,
)
from dash_app.views.grid import zone_options
from dash_app.views.maps import COLOUR_OPTIONS, level_options, level_value, measure_box_style, measure_options
from dash_app.views.sensitivity import BY_OPTIONS
from impact.dataset import plan_quantile_of, top_area
from impact.whatif import strike_labels

__all__ = [
    "GRAPH_CONFIG",
    "POLL_MS",
    "PageSetup",
    "area_columns",
    "body_for",
    "dashboard_body",
    "failed_body",
    "page",
    "problems_page",
    "progress_body",
    "ready_body",
    "validation_layout",
]

#: How often the progress page asks the server how the run is going [ms].
POLL_MS = 500

#: Plotly options of every graph: no logo, no link to the plotly cloud, a short tool bar.
GRAPH_CONFIG = {
    "displaylogo": False,
    "showLink": False,
    "responsive": True,
    "displayModeBar": "hover",
    "modeBarButtonsToRemove": [
        "select2d",
        "lasso2d",
        "zoomIn2d",
        "zoomOut2d",
        "autoScale2d",
        "toggleSpikelines",
        "hoverClosestCartesian",
        "hoverCompareCartesian",
    ],
}


def problems_page(data: DashboardData) -> html.Div:
    """What the page shows for a scenario (or baseline scenario B) that failed validation or cannot be compared.

    Every problem is one item of the list ``PAGE_PROBLEMS``; those of B start with ``baseline``.
    """
    lines, items = [], [html.Li(html.Code(problem)) for problem in data.problems]
    if data.problems:
        lines.append(f"{data.source}: {len(data.problems)} problem(s).")
    if data.baseline_problems:
        lines.append(f"Baseline {data.baseline_source}: {len(data.baseline_problems)} problem(s).")
        items += [
            html.Li(html.Code(problem if problem.startswith("cannot compare") else f"baseline: {problem}"))
            for problem in data.baseline_problems
        ]
    title = "Scenario could not be loaded" if data.problems else "Baseline scenario could not be used"
    return dbc.Container(
        [
            html.H1(title, id=ids.HEADER_TITLE, className="h3 mt-3"),
            dbc.Alert(
                [
                    html.P(
                        " ".join(lines) + " Fix them and restart the dashboard; `impact validate` lists the same "
                        "problems of a scenario folder."
                    ),
                    html.Ul(items, id=ids.PAGE_PROBLEMS),
                ],
                color="danger",
            ),
        ],
        fluid=True,
    )


def _labelled(label: str, control, control_id: str) -> html.Div:
    return html.Div(
        [dbc.Label(label, html_for=control_id, className="fw-semibold small mb-1"), control], className="mb-3"
    )


@dataclass(frozen=True)
class PageSetup:
    """What the dashboard's controls start with, taken from the unmodified run.

    Attributes
    ----------
    services : list of str
    area_options : list of dict
        Options of the area picker (see :func:`dash_app.views.area_options`).
    top_area : str
        Area selected first.
    steps : int
        Time steps of the run.
    marks, window_marks : dict
        Slider marks of the cursor and of the time window.
    window : (int, int)
        First time window (steps, inclusive).
    start_step : int
        Where the cursor starts: the power peak of the top area.
    start_label : str
        Local time of that step.
    caveats : str
        The run's caveats, printed under the charts.
    strikes : list of (str, str)
        Strike id and label for the what-if picker.
    map_levels : list of dict
        Options of the map's level selector (:func:`dash_app.views.maps.level_options`).
    map_level : str
        The level the map draws first: the smallest areas, or the finest level that fits
        (:func:`dash_app.views.map_level`).
    polygons : bool
        Whether the scenario has boundaries (the map is a choropleth, with a colour selector).
    plan_choices : tuple of float
        Choices of the planning statistic (:data:`dash_app.data.PLAN_CHOICES`) [1].
    plan_quantile : float
        The one chosen first: the run's ``plan_quantile`` [1].
    statistic : str
        Its name (``median``), or the central estimate's for a run without samples.
    beyond_hours : tuple of float
        Outage lengths of the run's ``outage_beyond_probability`` [hours].
    map_measures : list of dict
        Options of the heat map's selector (:func:`dash_app.views.maps.measure_options`): without
        heat, in cold homes, in drained buildings; empty (no selector) when the run counts neither.
    zone_options : list of dict
        Options of the grid zone picker (:func:`dash_app.views.grid.zone_options`); empty when the run
        has no grid (no tab 'Grid: demand not met' then).
    """

    services: list[str]
    area_options: list[dict]
    top_area: str
    steps: int
    marks: dict[int, str]
    window_marks: dict[int, str]
    window: tuple[int, int]
    start_step: int
    start_label: str
    caveats: str
    strikes: list[tuple[str, str]] = field(default_factory=list)
    map_levels: list[dict] = field(default_factory=list)
    map_level: str = ""
    polygons: bool = False
    plan_choices: tuple[float, ...] = ()
    plan_quantile: float = 0.5
    statistic: str = CENTRAL_LABEL
    beyond_hours: tuple[float, ...] = ()
    zone_options: list[dict] = field(default_factory=list)
    map_measures: list[dict] = field(default_factory=list)

    @classmethod
    def from_run(cls, data: DashboardData, ds: xr.Dataset) -> PageSetup:
        """The setup of the page once the unmodified run ``ds`` of ``data`` is done."""
        power_peak = ds["peak_time_central"].sel(service="power", area=top_area(ds)).values
        start_step = (
            int(ds.indexes["time"].get_indexer([power_peak], method="nearest")[0]) if str(power_peak) != "NaT" else 0
        )
        strikes = strike_labels(data.scenario)
        return cls(
            services=[str(s) for s in ds["service"].values],
            area_options=area_options(ds),
            top_area=top_area(ds),
            steps=ds.sizes["time"],
            marks=time_marks(ds),
            window_marks=time_marks(ds, 4),
            window=default_window(ds),
            start_step=start_step,
            start_label=local_label(ds, start_step),
            caveats=ds.attrs.get("caveats", ""),
            strikes=list(zip(strikes["strike_id"], strikes["label"], strict=True)),
            map_levels=level_options(ds),
            map_level=level_value(ds, map_level(ds)[0]),
            polygons=data.scenario.boundaries is not None,
            plan_choices=data.plan_choices,
            plan_quantile=plan_quantile_of(ds),
            statistic=statistic_label(plan_of(ds)),
            beyond_hours=tuple(float(h) for h in ds["beyond_hours"].values) if "beyond_hours" in ds.coords else (),
            zone_options=zone_options(ds),
            map_measures=measure_options(ds),
        )

    @classmethod
    def placeholder(cls) -> PageSetup:
        """Empty controls: the page's structure without a run (Dash's validation layout)."""
        return cls(
            services=[],
            area_options=[],
            top_area="",
            steps=1,
            marks={},
            window_marks={},
            window=(0, 0),
            start_step=0,
            start_label="",
            caveats="",
        )


def _sidebar(setup: PageSetup) -> html.Div:
    return html.Div(
        [
            html.H2("Filters", className="h6 text-uppercase text-muted"),
            _labelled(
                "Service",
                dbc.RadioItems(
                    id=ids.FILTER_SERVICE,
                    value="power",
                    inline=True,
                    options=[{"label": service_label(s), "value": s} for s in setup.services],
                ),
                ids.FILTER_SERVICE,
            ),
            _labelled(
                "Area",
                dcc.Dropdown(
                    id=ids.FILTER_AREA,
                    options=setup.area_options,
                    value=setup.top_area,
                    clearable=False,
                    optionHeight=32,
                ),
                ids.FILTER_AREA,
            ),
            _labelled(
                "Time window",
                dcc.RangeSlider(
                    id=ids.FILTER_WINDOW,
                    min=0,
                    max=setup.steps - 1,
                    step=1,
                    value=list(setup.window),
                    marks=setup.window_marks,
                    allowCross=False,
                    updatemode="mouseup",
                    allow_direct_input=False,
                ),
                ids.FILTER_WINDOW,
            ),
            _labelled(
                "Timeline shows",
                dbc.RadioItems(
                    id=ids.FILTER_MODE,
                    value="band",
                    options=[
                        {"label": "selected service with uncertainty", "value": "band"},
                        {"label": "one line per service", "value": "services"},
                        {"label": "one line per area below", "value": "areas"},
                    ],
                ),
                ids.FILTER_MODE,
            ),
            dbc.Checklist(
                id=ids.FILTER_BAND,
                value=["band"],
                switch=True,
                options=[{"label": "5–95 % band", "value": "band"}],
                className="mb-3",
            ),
            _labelled(
                "Headline figures: statistic over samples (the central estimate, every repair at its "
                "median, stays as a reference)",
                dbc.RadioItems(
                    id=ids.FILTER_PLAN,
                    value=setup.plan_quantile,
                    inline=True,
                    options=[{"label": plan_choice_label(q), "value": q} for q in setup.plan_choices],
                ),
                ids.FILTER_PLAN,
            ),
            html.Hr(),
            html.H2("What-if", className="h6 text-uppercase text-muted"),
            _labelled(
                "Repair time × (1 = as assumed, 0.5 = twice as fast)",
                dcc.Slider(
                    id=ids.WHATIF_REPAIR,
                    min=0.25,
                    max=3,
                    step=0.25,
                    value=1,
                    marks={0.25: "¼", 0.5: "½", 1: "1", 2: "2", 3: "3"},
                ),
                ids.WHATIF_REPAIR,
            ),
            _labelled(
                "Extra backup at pumping stations and boiler houses [hours]",
                dbc.Input(id=ids.WHATIF_BACKUP, type="number", min=0, max=720, step=1, value=0),
                ids.WHATIF_BACKUP,
            ),
            _labelled(
                "Strikes (untick to switch off)",
                dbc.Checklist(
                    id=ids.WHATIF_STRIKES,
                    value=[sid for sid, _label in setup.strikes],
                    options=[{"label": label, "value": sid} for sid, label in setup.strikes],
                    className="small",
                    style={"maxHeight": "10rem", "overflowY": "auto"},
                ),
                ids.WHATIF_STRIKES,
            ),
            dbc.ButtonGroup(
                [
                    dbc.Button("Run what-if", id=ids.WHATIF_RUN, color="primary", size="sm"),
                    dbc.Button("Undo the what-if", id=ids.WHATIF_RESET, color="secondary", outline=True, size="sm"),
                ],
                className="mb-2",
            ),
            html.Div(UNMODIFIED_STATUS, id=ids.WHATIF_STATUS, className="small text-muted mb-3", role="status"),
            html.Hr(),
            html.H2("Download", className="h6 text-uppercase text-muted"),
            html.Div("Current view (service, area and below, time window):", className="small"),
            dbc.ButtonGroup(
                [
                    dbc.Button("CSV (HXL)", id=ids.DOWNLOAD_VIEW_CSV, size="sm", outline=True, color="dark"),
                    dbc.Button("Excel", id=ids.DOWNLOAD_VIEW_XLSX, size="sm", outline=True, color="dark"),
                    dbc.Button("NetCDF", id=ids.DOWNLOAD_VIEW_NC, size="sm", outline=True, color="dark"),
                ],
                className="mb-2",
            ),
            html.Div("Full run:", className="small"),
            dbc.ButtonGroup(
                [
                    dbc.Button("CSV (HXL)", id=ids.DOWNLOAD_FULL_CSV, size="sm", outline=True, color="dark"),
                    dbc.Button("Excel", id=ids.DOWNLOAD_FULL_XLSX, size="sm", outline=True, color="dark"),
                    dbc.Button("NetCDF", id=ids.DOWNLOAD_FULL_NC, size="sm", outline=True, color="dark"),
                ],
                className="mb-2",
            ),
            html.Div("Needs per area and day (water, trucks, heating places, generators):", className="small"),
            dbc.ButtonGroup(
                [
                    dbc.Button("CSV (HXL)", id=ids.DOWNLOAD_NEEDS_CSV, size="sm", outline=True, color="dark"),
                    dbc.Button("Excel", id=ids.DOWNLOAD_NEEDS_XLSX, size="sm", outline=True, color="dark"),
                ]
            ),
            html.Div(id=ids.DOWNLOAD_STATUS, className="small mt-2", role="status"),
            dcc.Download(id=ids.DOWNLOAD),
        ],
        className="p-3 bg-light border-end h-100",
    )


def _number_column(field: str, header: str, width: int = 110, specifier: str = ",.0f") -> dict:
    return {
        "field": field,
        "headerName": header,
        "type": "numericColumn",
        "minWidth": width,
        "flex": 1,
        "valueFormatter": {"function": f"params.value == null ? '' : d3.format('{specifier}')(params.value)"},
    }


def area_columns(statistic: str, beyond_hours: tuple[float, ...] | list[float]) -> list[dict]:
    """Columns of the areas table: people without in ``statistic`` (the planning statistic, named in the
    header), the central estimate, the range, population, share and the probability that the outage
    lasts beyond each of ``beyond_hours`` [%]."""
    lead = "without (central)" if statistic == CENTRAL_LABEL else f"without ({statistic})"
    return [
        {"field": "name", "headerName": "area", "flex": 2, "minWidth": 170, "tooltipField": "name"},
        {"field": "area_id", "headerName": "P-code", "minWidth": 105, "flex": 1, "tooltipField": "area_id"},
        {"field": "admin_level", "headerName": "level", "type": "numericColumn", "width": 70},
        _number_column("people_without", lead, 125),
        *([] if statistic == CENTRAL_LABEL else [_number_column("central", "central", 95)]),
        _number_column("low", "5 %", 85),
        _number_column("high", "95 %", 85),
        _number_column("population", "population", 95),
        _number_column("share", "share [%]", 85, ".1f"),
        *[_number_column(beyond_field(hours), f"out > {hours:g} h [%]", 95) for hours in beyond_hours],
    ]


def _table(setup: PageSetup) -> dag.AgGrid:
    """The areas table: sortable by any column, ranked by people without service."""
    return dag.AgGrid(
        id=ids.TABLE_AREAS,
        columnDefs=area_columns(setup.statistic, setup.beyond_hours),
        rowData=[],
        defaultColDef={"sortable": True, "resizable": True},
        dashGridOptions={"domLayout": "autoHeight", "pagination": True, "paginationPageSize": 15, "animateRows": False},
        getRowId="params.data.area_id",
        className="ag-theme-alpine",
        style={"width": "100%"},
    )


def _needs_panel() -> html.Div:
    """The needs tab: per-day needs of the selected area and service in the time window (filled by a callback)."""
    return html.Div(
        [
            html.H3(id=ids.NEEDS_TITLE, className="h6 mt-3 mb-2"),
            dbc.Table(
                id=ids.NEEDS_TABLE,
                bordered=False,
                striped=True,
                hover=True,
                size="sm",
                responsive=True,
                className="small",
            ),
            html.P(id=ids.NEEDS_NOTE, className="small text-muted"),
        ],
        id=ids.NEEDS_PANEL,
        className="px-1",
    )


def _sensitivity_panel() -> html.Div:
    """The tab 'What drives the range': shares of the variance of person-days in the selected area (by a callback)."""
    return html.Div(
        [
            html.Div(
                [
                    dbc.Label("split", html_for=ids.SENSITIVITY_BY, className="fw-semibold mb-0 me-2"),
                    dbc.RadioItems(id=ids.SENSITIVITY_BY, options=list(BY_OPTIONS), value="strike", inline=True),
                ],
                className="d-flex align-items-center mt-3",
            ),
            dcc.Graph(id=ids.SENSITIVITY_GRAPH, config=GRAPH_CONFIG, style={"height": "440px"}),
            html.P(id=ids.SENSITIVITY_NOTE, className="small text-muted"),
        ],
        id=ids.SENSITIVITY_PANEL,
        className="px-1",
    )


def _grid_panel(setup: PageSetup) -> html.Div:
    """The tab 'Grid: demand not met': the deficit share of one grid zone (by a callback); the zone picker
    only when the grid has several zones."""
    options = setup.zone_options
    return html.Div(
        [
            html.Div(
                [
                    dbc.Label(GRID_ZONE_LABEL, html_for=ids.GRID_ZONE, className="fw-semibold mb-0 me-2"),
                    dcc.Dropdown(
                        id=ids.GRID_ZONE,
                        options=options,
                        value=options[0]["value"] if options else None,
                        clearable=False,
                        style={"minWidth": "16rem"},
                    ),
                ],
                id=ids.GRID_ZONE_PICKER,
                className="d-flex align-items-center mt-3 small",
                style=None if len(options) > 1 else {"display": "none"},
            ),
            dcc.Graph(id=ids.GRID_GRAPH, config=GRAPH_CONFIG, style={"height": "380px"}),
            html.P(id=ids.GRID_NOTE, className="small text-muted"),
        ],
        id=ids.GRID_PANEL,
        className="px-1",
    )


def _header(data: DashboardData) -> dbc.Navbar:
    """Title, scenario id, samples, seed and time zone (and the baseline scenario B): all known before the run."""
    config = data.scenario.config
    against = []
    if data.has_baseline:
        against = [
            html.Br(),
            html.Small(
                f"A: {data.names[0]} · against baseline B: {data.names[1]} · both with the same samples and seed",
                title=f"Baseline B: {data.baseline_scenario.title} ({data.baseline_source})",
                className="text-white-50",
            ),
        ]
    return dbc.Navbar(
        dbc.Container(
            [
                html.Span(
                    [
                        html.H1(data.title, id=ids.HEADER_TITLE, className="h5 mb-0 text-white"),
                        html.Small(
                            f"scenario {data.scenario.id} · {data.samples} samples · seed {data.seed} · "
                            f"times {config.timezone}",
                            className="text-white-50",
                        ),
                        *against,
                    ]
                ),
                dbc.Badge(
                    "illustrative data" if "ILLUSTRATIVE" in data.title.upper() else "",
                    color="warning",
                    text_color="dark",
                ),
            ],
            fluid=True,
        ),
        color="dark",
        dark=True,
        className="py-2",
    )


def _compare_panel() -> html.Div:
    """The comparison tab (with a baseline scenario B): A, B and A - B in the selected area (filled by a callback)."""
    return html.Div(
        [
            html.H3(id=ids.COMPARE_TITLE, className="h6 mt-3 mb-2"),
            dbc.Table(
                id=ids.COMPARE_TABLE,
                bordered=False,
                striped=True,
                hover=True,
                size="sm",
                responsive=True,
                className="small",
            ),
            dcc.Graph(id=ids.COMPARE_GRAPH, config=GRAPH_CONFIG, style={"height": "420px"}),
            html.P(id=ids.COMPARE_NOTE, className="small text-muted"),
        ],
        id=ids.COMPARE_PANEL,
        className="px-1",
    )


def _tabs(data: DashboardData, setup: PageSetup) -> dcc.Tabs:
    """The tabs under the charts; with a baseline scenario B the comparison comes first, and is open."""
    tabs = [
        dcc.Tab(label="Areas ranked at the cursor", value="areas", children=_table(setup)),
        dcc.Tab(
            label="Asset status (ports and logistics included)",
            value="assets",
            children=dcc.Graph(id=ids.ASSETS_GRAPH, config=GRAPH_CONFIG, style={"height": "360px"}),
        ),
        dcc.Tab(label="Needs per day", value="needs", children=_needs_panel()),
        dcc.Tab(label="What drives the range", value="sensitivity", children=_sensitivity_panel()),
    ]
    if setup.zone_options:  # the run has a grid capacity balance
        tabs.append(dcc.Tab(label=GRID_TAB, value="grid", children=_grid_panel(setup)))
    if data.has_baseline:
        tabs.insert(
            0, dcc.Tab(label=f"A against baseline B ({data.names[1]})", value="compare", children=_compare_panel())
        )
    return dcc.Tabs(id=ids.TABS, value="compare" if data.has_baseline else "areas", children=tabs, className="mt-2")


def _map_panel(setup: PageSetup) -> html.Div:
    """The map: its level and colour selectors above it, the caveats under it (filled by a callback)."""
    return html.Div(
        [
            html.Div(
                [
                    html.Div(
                        [
                            dbc.Label("Map by", html_for=ids.MAP_LEVEL, className="fw-semibold mb-0 me-2"),
                            dbc.RadioItems(
                                id=ids.MAP_LEVEL, options=setup.map_levels, value=setup.map_level, inline=True
                            ),
                        ],
                        className="d-flex align-items-center",
                    ),
                    # the style that hides a selector sits on a wrapper: Bootstrap's d-flex is !important
                    html.Div(
                        html.Div(
                            [
                                dbc.Label("colour", html_for=ids.MAP_COLOUR, className="fw-semibold mb-0 me-2"),
                                dbc.RadioItems(id=ids.MAP_COLOUR, options=COLOUR_OPTIONS, value="share", inline=True),
                            ],
                            className="d-flex align-items-center",
                        ),
                        id=ids.MAP_COLOUR_BOX,
                        style=None if setup.polygons else {"display": "none"},
                    ),
                    html.Div(
                        html.Div(
                            [
                                dbc.Label(
                                    "heat map shows", html_for=ids.MAP_MEASURE, className="fw-semibold mb-0 me-2"
                                ),
                                dbc.RadioItems(
                                    id=ids.MAP_MEASURE, options=setup.map_measures, value="without", inline=True
                                ),
                            ],
                            className="d-flex align-items-center",
                        ),
                        id=ids.MAP_MEASURE_BOX,
                        style=measure_box_style("power", setup.map_measures),  # the page opens on power
                    ),
                ],
                className="d-flex flex-wrap column-gap-3 small",
            ),
            dcc.Graph(id=ids.MAP_GRAPH, config=GRAPH_CONFIG, style={"height": "400px"}),
            html.P(id=ids.MAP_NOTE, className="small text-muted mb-0"),
        ]
    )


def dashboard_body(data: DashboardData, setup: PageSetup):
    """Filters, what-ifs, KPI cards, cursor, charts and tables, starting as ``setup`` says."""
    return html.Div(
        [
            dcc.Store(id=ids.STORE_WHATIF, data=None),
            dbc.Container(
                dbc.Row(
                    [
                        dbc.Col(_sidebar(setup), width=3, className="px-0"),
                        dbc.Col(
                            [
                                dbc.Row(id=ids.KPI_ROW, className="g-2 my-2"),
                                html.Div(id=ids.OBSERVATION_SCORE, className="small mb-2", role="status"),
                                html.Div(
                                    [
                                        dbc.Label(
                                            "Time cursor",
                                            html_for=ids.CURSOR_SLIDER,
                                            className="fw-semibold small mb-0 me-2",
                                        ),
                                        html.Span(
                                            setup.start_label,
                                            id=ids.CURSOR_LABEL,
                                            className="small",
                                            **{"aria-live": "polite"},
                                        ),
                                        dcc.Slider(
                                            id=ids.CURSOR_SLIDER,
                                            min=0,
                                            max=setup.steps - 1,
                                            step=1,
                                            value=setup.start_step,
                                            marks=setup.marks,
                                            updatemode="mouseup",
                                            allow_direct_input=False,
                                        ),
                                    ],
                                    className="mb-2",
                                ),
                                dbc.Row(
                                    [
                                        dbc.Col(
                                            dcc.Graph(
                                                id=ids.TIMELINE_GRAPH, config=GRAPH_CONFIG, style={"height": "380px"}
                                            ),
                                            width=7,
                                        ),
                                        dbc.Col(_map_panel(setup), width=5),
                                    ],
                                    className="g-2",
                                ),
                                _tabs(data, setup),
                                html.P(setup.caveats, className="small text-muted mt-2"),
                            ],
                            width=9,
                        ),
                    ]
                ),
                fluid=True,
            ),
        ]
    )


def ready_body(data: DashboardData):
    """The dashboard for the finished unmodified run, built once per run and shared by every page load."""
    result = data.result()
    return data.derived(result, "page body", lambda: dashboard_body(data, PageSetup.from_run(data, result.dataset)))


def progress_body(data: DashboardData, status: Status) -> dbc.Container:
    """The panel shown while the unmodified run is under way: what runs, the stage, a progress bar."""
    scenario = data.scenario
    steps = round(scenario.config.horizon_hours * 60 / scenario.config.step_minutes)
    what = (f"{data.samples:,} Monte Carlo samples" if data.samples else "the central estimate") + (
        f" for {len(scenario.areas):,} areas, {len(scenario.assets):,} assets, {len(scenario.strikes):,} strikes "
        f"and {steps:,} time steps"
    )
    if data.has_baseline:
        what += (
            f", then the same for the baseline scenario {data.names[1]} ({len(data.baseline_scenario.areas):,} areas, "
            f"{len(data.baseline_scenario.strikes):,} strikes; same seed)"
        )
    return dbc.Container(
        dbc.Card(
            dbc.CardBody(
                [
                    html.H2("Running the model for this scenario", className="h5"),
                    html.P(
                        f"The dashboard opens when the run is done: {what}. It runs once; later visits open at once.",
                        className="small text-muted",
                    ),
                    dbc.Progress(
                        id=ids.PROGRESS_BAR,
                        value=max(status.percent, 5),
                        striped=True,
                        animated=True,
                        label=f"{status.stage_number} of {status.stages}" if status.stage_number else "",
                        className="mb-2",
                        style={"height": "1.25rem"},
                    ),
                    html.Div(
                        status.describe(),
                        id=ids.PROGRESS_LABEL,
                        className="small",
                        role="status",
                        **{"aria-live": "polite"},
                    ),
                ]
            ),
            className="mt-4",
        ),
        fluid=True,
        style={"maxWidth": "48rem"},
    )


def failed_body(data: DashboardData, status: Status) -> dbc.Container:
    """What the page shows when the unmodified run failed: the error, and where to look."""
    return dbc.Container(
        dbc.Alert(
            [
                html.H2("The model run failed", className="h5"),
                html.P(html.Code(status.error, id=ids.PROGRESS_ERROR)),
                html.P(
                    f"Scenario {data.source}, {data.samples} samples, seed {data.seed}, "
                    f"after {status.elapsed_s:.0f} s. "
                    "The server's log holds the traceback; fix the cause and restart the dashboard.",
                    className="small mb-0",
                ),
            ],
            color="danger",
            className="mt-4",
        ),
        fluid=True,
        style={"maxWidth": "48rem"},
    )


def body_for(data: DashboardData, status: Status):
    """The page body for ``status``: the dashboard when done, the error when failed, else the progress panel."""
    if status.state == "done":
        return ready_body(data)
    if status.state == "failed":
        return failed_body(data, status)
    return progress_body(data, status)


def page(data: DashboardData) -> html.Div:
    """The whole page as a visit finds it: the layout function of the app.

    Starts the unmodified run if it has not started. When it is done, the dashboard as it
    has always been; otherwise the header and the progress panel, with the interval that
    polls the run enabled (``poll_progress`` swaps in the dashboard and disables it).
    """
    if not data.ok:
        return html.Div(problems_page(data), lang="en")
    data.start_runs()
    status = data.run_status()
    return html.Div(
        [
            dcc.Interval(id=ids.PROGRESS_INTERVAL, interval=POLL_MS, disabled=status.finished),
            _header(data),
            html.Div(body_for(data, status), id=ids.PAGE_BODY),
        ],
        lang="en",
    )


def validation_layout(data: DashboardData) -> html.Div:
    """Every component a callback names, without data: what Dash checks the callbacks against.

    The grid tab's components are in it whether or not the run has a grid (the page holds them only then).
    """
    return html.Div(
        [
            dcc.Interval(id=ids.PROGRESS_INTERVAL, disabled=True),
            _header(data),
            html.Div(dashboard_body(data, PageSetup.placeholder()), id=ids.PAGE_BODY),
            _grid_panel(PageSetup.placeholder()),
        ]
    )
