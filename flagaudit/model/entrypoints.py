"""Entry points: where the program is entered, so what they reach is alive.

Module top level (runs on import), dunder methods (Python calls them), functions a framework calls (its
decorators), configured patterns, ``__all__`` exports and console scripts. Tests are not entry points: code
only tests reach is dead in production.
"""

from __future__ import annotations

from collections.abc import Callable

from flagaudit.extract.symbols import is_plugin_settings
from flagaudit.facts import FileFacts
from flagaudit.sdk_rules import glob_match

FRAMEWORK_DECORATORS = (
    "*.route", "*.get", "*.post", "*.put", "*.patch", "*.delete", "*.head", "*.options", "*.websocket",
    "*.api_route", "*.task", "*_task", "*_task_handler", "celery.*", "*.command", "*.group", "click.*",
    "typer.*", "*receiver", "*.register", "*.action", "*.api_view", "api_view", "*.hookimpl",
    "*.connect", "*.listens_for", "*.on_event", "*.middleware", "*.exception_handler", "*.errorhandler",
    "*.before_request", "*.after_request", "*.context_processor", "*.template_filter", "*.filter",
    "*.simple_tag", "*.inclusion_tag", "*.tag", "*.cached_property", "*.job", "*view_config", "*.subscriber",
)
"""Decorators by which a framework calls a function (routes, tasks, commands, signal receivers, template tags);
``*_task``: celery's ``shared_task``, huey's ``db_periodic_task``, Flagsmith's task processor's
``register_recurring_task`` (and ``register_task_handler``), each run by a worker on its schedule or queue;
``*view_config``: Pyramid's views (``view_config``, ``notfound_view_config``, ...; pypi/warehouse), and its
``subscriber`` its event handlers."""

INTERFACE_MODULES = {
    "api": "public function of an api module (a Django app's interface for other apps and its host)",
    "services": "public method of a class in a services module (a service the host's runtime is given)",
}
"""Modules whose public names other code calls, by their last name: a Django app's ``api.py`` (Open edX OEP-49)
holds its functions, an XBlock library's ``services.py`` the service classes the host hands to its runtime."""


MIDDLEWARE_HOOKS = frozenset({"process_view", "process_exception", "process_template_response"})
"""Methods Django's handler calls on every middleware that has them, a plain class included."""
MIDDLEWARE_METHODS = MIDDLEWARE_HOOKS | {"process_request", "process_response"}
"""The methods Django calls on a middleware class its settings name (``MIDDLEWARE_CLASSES`` before Django 1.10
called ``process_request`` and ``process_response`` too, on classes with no ``__init__`` of their own): a settings
module that names such a class in a dotted string reaches them (azavea/nyc-trees' ``FullAccessMiddleware``)."""


def local_entries(file_facts: FileFacts, patterns: tuple[str, ...],
                  published: tuple[str, ...] = ()) -> dict[str, str]:
    """The entry points a file's own definitions make, with the reason each is one; ``published``: the folders of
    the packages the project publishes for others (:func:`flagaudit.scan.discover.published_packages`)."""
    entries: dict[str, str] = {}
    module = file_facts.symbols.module if file_facts.symbols else ""
    interface = INTERFACE_MODULES.get(module.rsplit(".", 1)[-1]) if module else None
    if interface is None and module and not any(part.startswith("_") for part in module.split(".")):
        interface = next((PUBLISHED.format(folder) for folder in published
                          if file_facts.path.startswith(folder + "/")), None)
    middleware = {f.name.rpartition(".")[0] for f in file_facts.functions
                  if f.kind == "method" and f.name.endswith(".__init__") and f.params == ("self", "get_response")}
    for function in file_facts.functions:
        name = function.name
        owner, _, last = name.rpartition(".")
        if function.kind == "module":
            entries[name] = "module top level (runs on import)"
        elif last.startswith("__") and last.endswith("__"):
            entries[name] = "dunder method (called by Python)"
        elif function.kind == "method" and last in MIDDLEWARE_HOOKS and owner in middleware:
            entries[name] = "hook of a Django middleware (its __init__ takes get_response; Django calls it)"
        else:
            decorator = next((d for d in function.decorators if glob_match(d, FRAMEWORK_DECORATORS)), None)
            if decorator:
                entries[name] = f"decorated @{decorator} (called by the framework)"
            elif patterns and glob_match(name, patterns):
                entries[name] = "configured entry point"
            elif interface and _public_member(name, function.kind, module):
                entries[name] = interface
            elif function.kind == "function" and is_plugin_settings(module, name):
                entries[name] = PLUGIN_SETTINGS
            elif function.kind == "function" and owner == module and last in APP_FACTORIES:
                entries[name] = APP_FACTORY
    return entries


PUBLISHED = "public name of the package published from {}/ (the projects that install it call it)"


PLUGIN_SETTINGS = ("plugin settings hook (the Open edX platform calls plugin_settings(settings) in the settings "
                   "modules an app's plugin_app names)")


APP_FACTORIES = frozenset({"create_app", "make_app"})
"""The names Flask's command line looks for in the module it is pointed to when no app object is there (its app
discovery), and that the WSGI server of a deployment names (``gunicorn "src.app:create_app()"``): HHS/
simpler-grants-gov's ``create_app`` is called only from its Dockerfile, and registers every blueprint."""
APP_FACTORY = "application factory (Flask's command line and WSGI servers call it by this name)"


def _public_member(name: str, kind: str, module: str) -> bool:
    """A module's public function, or a public method of its public class (``mod.Service.enabled``)."""
    if not name.startswith(module + "."):
        return False
    parts = name[len(module) + 1:].split(".")
    if any(part.startswith("_") for part in parts):
        return False
    return (kind, len(parts)) in (("function", 1), ("method", 2))


def entry_points(facts: list[FileFacts], local: dict[str, dict[str, str]], is_test: Callable[[str], bool],
                 scripts: tuple[str, ...], project_node: Callable[[str], str | None]) -> dict[str, str]:
    """Every entry point with the reason it is one: each file's own (``local``, from :func:`local_entries`),
    then exports and console scripts, which ``project_node`` resolves to graph nodes."""
    entries: dict[str, str] = {}
    for file_facts in facts:
        if not is_test(file_facts.path):
            entries.update(local[file_facts.path])
    for file_facts in facts:
        if is_test(file_facts.path):
            continue
        module = file_facts.symbols.module if file_facts.symbols else ""
        for export in file_facts.exports:
            node = project_node(f"{module}.{export}")
            if node:
                entries.setdefault(node, f"exported in {module}.__all__")
    for script in scripts:
        node = project_node(script.replace(":", "."))
        if node:
            entries.setdefault(node, f"console script {script}")
    return entries
