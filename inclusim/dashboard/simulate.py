"""The first page: the office's levers, a run in the background, and the result beside today's.

The leader changes the levers, picks the scenario and presses run: both the office as it is today
and the leader's choice are simulated over the same seeds (paired), on worker processes, with a
progress bar. The result gives each figure with its interval for both and the difference, and the
charts of the report drawn for the two settings.
"""

from __future__ import annotations


import solara

from analysis.formatting import format_kpi, format_value
from analysis.i18n import language, localise_number
from domain.schema import NOK
from analysis.stats import PARAMETER_SET
from domain.params import ConfigError
from inclusim.dashboard import state
from inclusim.dashboard.levers import (LAST_TYPED, LEVER_BY_KEY, LEVERS, POSITIONS_COST,
                                       advisers_for, build_config, caseload_of, keep_todays_positions, lever_notes,
                                       policies, refuse_unread, scenario_choices, scenario_overrides, to_overrides,
                                       values_under, what_differs, with_policy)
from inclusim.dashboard.runner import RunStopped, Setting, check_size, run_settings
from inclusim.dashboard.safe import literal, one_line
from inclusim.dashboard.state import CHOICE, TODAY, T
from inclusim.dashboard.upload import office_upload
from inclusim.dashboard.views import (HEADLINE, SECTIONS, certainty_line, cost_line, figures, headline, kpi_rows, markdown_table,
                                      result_csv, result_xlsx)


def comparison_settings(office_settings: dict, scenario: dict, chosen: dict,
                        ensemble: list[dict] | None = None) -> list[Setting]:
    """Today's office and the leader's choice, both under the chosen scenario. With ``ensemble`` (the
    calibrated parameter sets, ``inclusim.study.load_ensemble``, best first), both once per set: the
    set's values go in first, so that the scenario scales that set's own values, and each run is
    marked with its ``parameter_set``."""
    if ensemble is not None:
        if not ensemble:
            raise ConfigError("no calibrated parameter sets in conf/ensemble/: run 'inclusim calibrate' first")
        return [setting for number, values in enumerate(ensemble)
                for setting in comparison_settings({**office_settings, **values, "parameter_set": number},
                                                   scenario, chosen)]
    today = {**office_settings, **scenario_overrides(scenario, build_config(office_settings))}
    changes = to_overrides(chosen, office_settings)
    choice = {**with_policy(today, changes.get("policy.name")), **changes}
    return [Setting.of(TODAY, today), Setting.of(CHOICE, choice)]


#: Replications a run may ask for: two give an interval; fifty keep a run to about a minute on 2 cores.
MIN_REPLICATIONS, MAX_REPLICATIONS = 2, 50


@solara.lab.task(prefer_threaded=True)
def simulate(settings: list[Setting], seeds: int, office: state.Office):
    state.progress.set((0, len(settings) * seeds))
    try:
        outcome = run_settings(settings, list(range(1, seeds + 1)),
                               progress=lambda done, total: state.progress.set((done, total)),
                               stop=lambda: not simulate.is_current(),      # Stop pressed
                               stopping=state.stopping.set)     # how many runs already on the workers end first
    except RunStopped:
        return None
    # shown until the next run finishes (kept also when Stop came as the last run finished)
    state.result_office.set(office)
    state.result.set(outcome)
    return outcome


@solara.component
def OfficePicker():
    """The office: the built-in one, an example, a file of the server's office folder (by name) or the
    leader's own file (chosen or dropped). Nothing here names a path on the server."""
    shown = state.office.value
    folder = state.office_folder()
    with solara.Card(T("Office")):
        solara.Markdown(f"**{literal(state.office_label(shown))}**"
                        + (f"  \n{literal(shown.source)}" if shown.source else ""))
        with solara.Column(gap="0px"):
            solara.Button(T("Built-in default office"), on_click=state.use_built_in, text=True)
            for name in state.EXAMPLES.names():
                solara.Button(T("Example: {name}", name=state.example_title(name)), text=True,
                              on_click=lambda name=name: state.load_example(name))
        if folder is not None:
            names = folder.names()
            if names:
                solara.Select(T("Office files on the server"), values=names,
                              value=shown.source if shown.origin == "server" else None,
                              on_value=state.load_from_office_folder)
            else:
                solara.Text(T("The server's office folder has no office files (.yaml)."),
                            style={"font-size": "0.8em"})
        solara.Text(T("Your own office file (.yaml) from this machine:"))
        office_upload(T("Choose a file"), T("... or drop it here"), state.MAX_UPLOAD_BYTES,
                      on_file=lambda name, size, data: state.load_uploaded_office(name, data, size),
                      on_error=lambda: state.office_error.set(T("The file did not arrive: choose it again.")))
        if state.office_error.value:
            solara.Error(state.S(state.office_error.value))
        if state.office_notes.value:
            solara.Markdown("\n".join(f"* {literal(state.S(note))}" for note in state.office_notes.value),
                            style={"font-size": "0.8em"})


def _set_value(key: str, value) -> None:
    """Set one lever; the office's users, its advisers and their caseload hang together (users =
    advisers x caseload): a new caseload sets the advisers it takes, new advisers or users the caseload."""
    chosen = {**state.values.value, key: value}
    if key in ("users", "advisers", "caseload"):
        chosen[LAST_TYPED] = (key, value)
    if key == "caseload":
        if (value or 0) > 0:     # a caseload asks for the advisers it takes; it stays as typed (0 is refused at Run)
            chosen["advisers"] = advisers_for(chosen["users"], value)
    elif key in ("users", "advisers") and (chosen["advisers"] or 0) > 0 and (chosen["users"] or 0) > 0:
        chosen["caseload"] = caseload_of(chosen["users"], chosen["advisers"])
    state.values.set(chosen)


def _set_policy(policy: str) -> None:
    """A new way of working shows its own values of the levers of the ways of working."""
    own = values_under(state.office.value.settings, policy)
    chosen = dict(state.values.value)
    for lever in LEVERS:
        if lever.setting.startswith("policy.modes"):
            chosen[lever.key] = own[lever.key]
    chosen["policy"] = policy
    # the levers of the ways of working show the new policy's values: a text typed there is gone
    state.lever_errors.set({key: text for key, text in state.lever_errors.value.items()
                            if not LEVER_BY_KEY[key].setting.startswith("policy.modes")})
    state.values.set(chosen)


def _choice_configs():
    """(today, the choice) as the model will run them, under the chosen scenario; None while the levers
    do not make a valid office (Run then says why)."""
    try:
        today, choice = comparison_settings(state.office.value.settings, state.scenario.value, state.values.value)
        return build_config(dict(today.settings)), build_config(dict(choice.settings))
    except (ConfigError, KeyError, TypeError, ValueError):
        return None


def _shown(label: str, value) -> str:
    """A value of :func:`what_differs` in the page's language."""
    if isinstance(value, bool):
        return T("yes") if value else T("no")
    if isinstance(value, str):
        return T(value)
    with language(state.lang.value):
        if label == POSITIONS_COST:
            return format_value(float(value), NOK)
        return localise_number(f"{value:g}") if isinstance(value, float) else str(value)


def _difference(label: str, before, after) -> str:
    """The change of a numeric value of :func:`what_differs` ('+2'), in the page's language; '' for others."""
    if isinstance(before, bool) or not isinstance(before, int | float) or not isinstance(after, int | float):
        return ""
    with language(state.lang.value):
        if label == POSITIONS_COST:
            return format_value(float(after - before), NOK, sign=True)
        change = after - before
        return localise_number(f"{change:+g}" if isinstance(change, float) else f"{change:+d}")


def _keep_today(keys) -> None:
    """Set the levers ``keys`` to today's values."""
    today = values_under(state.office.value.settings)
    state.values.set({**state.values.value, **{key: today[key] for key in keys}})


@solara.component
def ChangesPanel():
    """Before the run: every setting and position by role in which the choice differs from today, what
    the positions cost a year, and buttons that keep today's staff or today's way of working's practices."""
    configs = solara.use_memo(_choice_configs, [state.values.value, state.office.value, state.scenario.value])
    with solara.Card(T("What differs from today")):
        if configs is None:
            solara.Text(T("The levers do not make a valid office yet: Run says why."))
            return
        rows = what_differs(*configs)
        if not rows:
            solara.Text(T("Nothing: your choice is the office as it is today."))
            return
        solara.Markdown(markdown_table([T("Setting"), T(TODAY), T(CHOICE), T("Difference")],
                                       [[T(label), _shown(label, before), _shown(label, after),
                                         _difference(label, before, after)] for label, before, after in rows]))
        chosen = state.values.value
        today = values_under(state.office.value.settings)
        if chosen["policy"] != today["policy"]:
            if (chosen["advisers"], chosen["job_specialists"]) != (today["advisers"], today["job_specialists"]):
                solara.Button(T("Keep today's positions"), text=True, outlined=True,
                              on_click=lambda: state.values.set(keep_todays_positions(state.values.value,
                                                                                      state.office.value.settings)))
            labels = {label for label, _before, _after in rows}
            practice = [lever.key for lever in LEVERS if lever.group == "practice" and lever.label in labels]
            if practice:
                solara.Button(T("Keep today's practice"), text=True, outlined=True,
                              on_click=lambda keys=tuple(practice): _keep_today(keys))


@solara.component
def LeverControls():
    chosen = state.values.value
    # read here, unconditionally, so that a new error re-renders the levers; said in the page's language
    errors = {key: T("Not a number: {text}", text=typed) for key, typed in state.lever_errors.value.items()}
    names = {T(name): name for name in policies()}
    with solara.Card(T("Staff and caseloads")):
        solara.Select(T("Way of working"), values=list(names), value=T(chosen["policy"]),
                      on_value=lambda text: _set_policy(names[text]))
        try:
            notes = lever_notes(state.office.value.settings, chosen["policy"])
        except ConfigError:     # a moment between a new office and its levers: no notes
            notes = {}
        for lever in LEVERS:
            if lever.group != "staff" or lever.kind == "policy":
                continue
            used, note = notes.get(lever.key, (True, ""))
            _control(lever, chosen[lever.key], disabled=not used, error=errors.get(lever.key, False))
            if note:
                solara.Text(T(note), style={"font-size": "0.8em", "color": "#666"})
            if lever.key == "caseload":
                _caseload_note(chosen)
    with solara.Card(T("How the office works")):
        for lever in LEVERS:
            if lever.group == "practice":
                used, note = notes.get(lever.key, (True, ""))
                _control(lever, chosen[lever.key], disabled=not used, error=errors.get(lever.key, False))
                if note:
                    solara.Text(T(note), style={"font-size": "0.8em", "color": "#666"})
    with solara.Card(T("Scenario")):
        for key, choice in scenario_choices().items():
            options = {T(choice.option_label(option)): option for option in choice.options}
            solara.Select(T(choice.label), values=list(options),
                          value=T(choice.option_label(state.scenario.value[key])),
                          on_value=lambda text, key=key, options=options:
                          state.scenario.set({**state.scenario.value, key: options[text]}))
        solara.Text(T("Scenario values are assumptions: see conf/dashboard.yaml."), style={"font-size": "0.8em"})


def _caseload_note(chosen: dict) -> None:
    """Beside the caseload: the advisers a typed caseload takes, and the caseload the model runs (the
    office's users shared evenly among whole advisers)."""
    typed = state.values.value.get(LAST_TYPED)
    if not typed or typed[0] != "caseload" or not chosen.get("advisers"):
        return
    today = values_under(state.office.value.settings)
    held = caseload_of(int(chosen["users"]), int(chosen["advisers"]))
    text = T("{caseload} users per adviser takes {advisers} advisers (today {today}): the advisers follow from the "
             "caseload.", caseload=chosen["caseload"], advisers=chosen["advisers"], today=today["advisers"])
    if held != chosen["caseload"]:
        text += " " + T("The model gives every adviser the same caseload: {users} users among {advisers} advisers "
                        "is {held} each.", users=chosen["users"], advisers=chosen["advisers"], held=held)
    solara.Text(text, style={"font-size": "0.8em", "color": "#666"})


def _control(lever, value, disabled: bool = False, error: bool | str = False) -> None:
    label = T(lever.label)
    if lever.kind == "bool":
        solara.Checkbox(label=label, value=bool(value), on_value=lambda v, key=lever.key: _set_value(key, v),
                        disabled=disabled)
    elif lever.kind == "int":
        solara.InputInt(label, value=int(value), on_value=lambda v, key=lever.key: _set_value(key, v),
                        disabled=disabled)
    else:   # typed as text: a leader writes 0,9 as often as 0.9
        with language(state.lang.value):
            shown = localise_number(f"{float(value):g}")
        solara.InputText(label, value=shown, disabled=disabled,
                         on_value=lambda text, key=lever.key: _set_decimal(key, text),
                         error=error)


def check_levers_read() -> None:
    """Refuse while a lever shows a text that is not a number (``state.lever_errors``): the lever
    keeps its previous value, so a run would not be what the page shows. The first such lever, in
    the page's order, is named with the text and what is allowed."""
    unread = state.lever_errors.value
    for lever in LEVERS:
        if lever.key in unread:
            refuse_unread(lever.key, unread[lever.key])


def _set_decimal(key: str, text: str) -> None:
    """A decimal lever from what was typed (a comma or a point); an unreadable number is kept in
    ``state.lever_errors`` (shown as an error on the field) and the lever keeps its value."""
    errors = dict(state.lever_errors.value)
    try:
        value = float(str(text).strip().replace(",", "."))
    except ValueError:
        errors[key] = str(text)       # what was typed; the field says it is not a number
        state.lever_errors.set(errors)
        return
    errors.pop(key, None)
    state.lever_errors.set(errors)
    _set_value(key, value)


@solara.component
def RunPanel():
    error = solara.use_reactive(None)     # None, or a function giving the message in the page's language

    def start():
        if simulate.pending:      # a run going on, or ending after Stop: no second one beside it
            error.set(lambda: T("A run is still going or ending: Run can be pressed again when it has ended."))
            return
        n = state.replications.value
        if not MIN_REPLICATIONS <= n <= MAX_REPLICATIONS:
            error.set(lambda: T("Replications = {n}: from {low} to {high} (an interval needs at least two)",
                                n=n, low=MIN_REPLICATIONS, high=MAX_REPLICATIONS))
            return
        try:
            check_levers_read()
            ensemble = None
            if state.parameter_sets.value:
                from inclusim.study import load_ensemble

                ensemble = load_ensemble()
            settings = comparison_settings(state.office.value.settings, state.scenario.value, state.values.value,
                                           ensemble)
            check_size(settings, list(range(1, n + 1)), users=state.values.value["users"])
        except ConfigError as exc:
            error.set(lambda exc=exc: state.explain(exc))       # said in the page's language when shown
            return
        error.set(None)
        state.stopping.set(None)
        simulate(settings, n, state.office.value)

    def stop():
        state.stopping.set(-1)      # asked; the runner says how many runs end first
        simulate.cancel()

    with solara.Card(T("Run")):
        solara.InputInt(T("Replications (seeds)"), value=state.replications)
        solara.Checkbox(label=T("Also over the calibrated parameter sets (the model's own uncertainty; "
                                "each set runs every seed, so it takes several times as long)"),
                        value=state.parameter_sets)
        solara.Button(T("Run"), on_click=start, color="primary", disabled=simulate.pending)
        done, total = state.progress.value
        ending = state.stopping.value
        if simulate.pending:
            solara.ProgressLinear(100 * done / total if total else True)
            solara.Text(T("{done} of {total} runs", done=done, total=total))
            if ending is None:
                solara.Button(T("Stop"), on_click=stop, outlined=True)
            elif ending < 0:
                solara.Info(T("Stopping ..."))
            else:
                solara.Info(T("Stopping: the runs not started are dropped; {n} already running on the worker "
                              "processes cannot be interrupted and end first (their results are kept). Run can be "
                              "pressed again when they have ended.", n=ending))
        elif simulate.cancelled and done < total:     # a Stop as the last run ended keeps the whole result
            solara.Info(T("Stopped after {done} of {total} runs. The finished runs are kept: the next run "
                          "with the same settings reuses them.", done=done, total=total))
        if error.value is not None:
            solara.Error(one_line(error.value()))
        if simulate.error:
            solara.Error(one_line(state.explain(simulate.exception)))


@solara.component
def Results():
    outcome = state.result.value
    lang = state.lang.value
    view = solara.use_memo(lambda: _view(outcome, lang), [id(outcome), lang])
    if simulate.pending:
        done, total = state.progress.value
        solara.Info(T("Running: {done} of {total} runs.", done=done, total=total)
                    + (" " + T("The result below is the previous one.") if view is not None else ""))
    if view is None:
        if not simulate.pending:
            solara.Info(T("Change the levers and press Run: the office as it is today and your choice are "
                          "simulated over the same seeds."))
        return
    office = state.result_office.value
    with solara.Card(T("Result: {office}", office=state.office_label(office))):
        if office != state.office.value:
            solara.Warning(T("These results are for {office}; press Run to simulate {current}.",
                             office=state.office_label(office), current=state.office_label(state.office.value)))
        for text in view["texts"]:
            solara.Markdown(text)
        with solara.Row():
            solara.FileDownload(view["xlsx"], filename="inclusim_result.xlsx", label=T("Download the tables (xlsx)"))
            solara.FileDownload(view["csv"], filename="inclusim_result.csv", label=T("Download the table (CSV)"))
    for name, figure in view["charts"].items():
        with solara.Card():
            solara.FigureMatplotlib(figure, format="png", dependencies=[id(outcome), lang, name])


def _view(outcome, lang: str) -> dict | None:
    """The result's texts (headline, note, one Markdown table per section) and charts, in ``lang``:
    made once per result and language, not at every change of the page."""
    if outcome is None:
        return None
    with language(lang):
        names = {TODAY: T(TODAY), CHOICE: T(CHOICE)}
        headlines = []
        for label in outcome.labels:
            mean, low, high = headline(outcome, label)
            headlines.append(f"**{names[label]}**: {format_kpi(HEADLINE, mean, low, high)}")
        sets = int(outcome.runs[PARAMETER_SET].nunique()) if PARAMETER_SET in outcome.runs else 1
        texts = [T("Users in work after 3 years") + ": " + " · ".join(headlines),
                 T("Mean over {n} replications, with its 90 % interval in brackets; the difference is paired "
                   "by seed.", n=len(outcome.runs) // (len(outcome.labels) * sets))]
        if TODAY in outcome.labels and CHOICE in outcome.labels:
            texts[0] += "  \n" + certainty_line(outcome, CHOICE, TODAY, names[CHOICE], T("today"))
            texts.append(cost_line(outcome, CHOICE, TODAY))
        if sets > 1:
            texts.append(T("Mean and interval: the best of the {sets} calibrated parameter sets (the defaults), as "
                           "are the charts. In square brackets: the range (5 % to 95 %) of the {sets} sets' own means "
                           "and differences, how far the result moves among parameter values that all fit the "
                           "published figures. The best set can lie outside that range: read both.", sets=sets))
        for section, kpis in SECTIONS:
            rows = [[T(row["label"]), row[TODAY], row[CHOICE], row.get("difference", "")]
                    for row in kpi_rows(outcome, TODAY, kpis)]
            header = [T(section), names[TODAY], names[CHOICE], T("Difference")]
            texts.append(markdown_table(header, rows))
        csv = result_csv(outcome, TODAY, names, lang)
        workbook = result_xlsx(outcome, TODAY, names)
        return {"texts": texts, "charts": figures(outcome, TODAY, names=names), "csv": csv, "xlsx": workbook}


@solara.component
def SimulatePage():
    with solara.Columns([1, 2]):
        with solara.Column():
            OfficePicker()
            LeverControls()
            ChangesPanel()
            RunPanel()
        with solara.Column():
            Results()
