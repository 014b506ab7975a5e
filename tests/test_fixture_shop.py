"""The ``fixtures/shop`` codebase, scanned through the library API, yields exactly the inventory written out here.

The fixture is a small Django-style shop that checks flags of every SDK the built-in rules know, with keys
written every way flagaudit must resolve, under every guard form, plus look-alikes that must not match.
Lines are located by a unique snippet of their text (``line_of``), so editing the fixture does not silently
shift what a test means.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flagaudit.facts import Definition, Flag, Inventory, Site
from tests.helpers import FixtureProject

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "shop"

# Every (sdk, key) with at least one site outside tests/ or a definition. Written by hand from the fixture.
EXPECTED: set[tuple[str, str | None]] = {
    # LaunchDarkly: imported constant, class attribute, local variable (keyword argument)
    ("launchdarkly", "new-checkout"),
    ("launchdarkly", "checkout-one-page"),
    ("launchdarkly", "price-rounding"),
    # Unleash: enum member, enum member .value, f-string over a relatively imported namespace constant
    ("unleash", "search.v2"),
    ("unleash", "search.ranking"),
    ("unleash", "search.typo-tolerance"),
    # OpenFeature
    ("openfeature", "catalog-quick-view"),
    ("openfeature", "product-page-layout"),
    ("openfeature", "guest-reviews"),
    # Flagsmith
    ("flagsmith", "social_login"),
    ("flagsmith", "password_min_length"),
    # GrowthBook
    ("growthbook", "wishlist"),
    ("growthbook", "legacy-recommendations"),
    ("growthbook", "recs-per-page"),
    ("growthbook", "recs-algorithm"),
    # PostHog: literal, pattern (runtime f-string part), unresolvable parameter
    ("posthog", "new-onboarding"),
    ("posthog", "onboarding-copy"),
    ("posthog", "promo-*"),
    ("posthog", None),
    # Statsig
    ("statsig", "apple_pay"),
    ("statsig", "google_pay"),
    ("statsig", "payment_button_copy"),
    ("statsig", "payment_limits"),
    # Split: SDK imported in the module; client imported from shop/clients.py only
    ("split", "dynamic_pricing"),
    ("split", "free_shipping_threshold"),
    # ConfigCat
    ("configcat", "isGiftWrapEnabled"),
    ("configcat", "showPricesWithTax"),
    # django-waffle and edx-toggles flags
    ("waffle-flag", "new_cart_drawer"),
    ("waffle-flag", "beta_checkout"),
    ("waffle-flag", "reviews_v2"),
    ("waffle-flag", "holiday_theme"),
    ("waffle-flag", "old_checkout"),
    ("waffle-flag", "shop.one_click_buy"),
    ("waffle-flag", "shop.course_bundles"),
    # switches
    ("waffle-switch", "maintenance_mode"),
    ("waffle-switch", "order_export"),
    ("waffle-switch", "shop.order_notes"),
    # samples
    ("waffle-sample", "checkout_timing_sample"),
    ("waffle-sample", "checkout_survey"),
    # settings: FEATURES dict, getattr with a bool default, edx SettingToggle / SettingDictToggle
    ("settings", "FEATURES['ENABLE_PRODUCT_QA']"),
    ("settings", "FEATURES['ENABLE_GIFT_CARDS']"),
    ("settings", "ENABLE_GUEST_CHECKOUT"),
    ("settings", "DEMO_MODE"),
    ("settings", "ENABLE_INVOICES"),
}

# Look-alikes: (file, unique snippet of the line, what it is). No site or definition may come from that line.
LOOKALIKES = [
    ("shop/catalog/experiments.py", 'HERO_EXPERIMENT.variation("hero-banner"', "project class's own variation()"),
    ("shop/catalog/experiments.py", 'experiment.variation("sale-badge-style"', "variation() on a parameter"),
    ("shop/accounts/preferences.py", 'get_value("newsletter_opt_in"', "project class's own get_value()"),
    ("shop/accounts/views.py", 'prefs.get_value("compact_order_list"',
     "get_value() in a module importing Flagsmith, not ConfigCat"),
    ("shop/notifications.py", 'email_channel.is_enabled("order_placed")', "own is_enabled() on a module-level object"),
    ("shop/notifications.py", 'channel.is_enabled("order_shipped")', "own is_enabled() on a parameter"),
    ("shop/catalog/inventory.py", 'light.is_on("main-warehouse")', "project class's own is_on()"),
    ("shop/accounts/api.py", 'flag_is_active(request, "beta_reviews_feed")',
     "flag_is_active imported from shop.accounts.beta"),
    ("shop/apps.py", 'settings.FEATURES["ENABLE_LEGACY_EXPORT"] = True', "assignment to a FEATURES entry"),
    ("shop/checkout/payments.py", 'getattr(settings, "PAYMENT_TIMEOUT", 30)',
     "getattr on settings with a non-bool default"),
    ("shop/catalog/recommender.py", 'getattr(settings, "RECOMMENDER_TIMEOUT", 2.0)',
     "getattr on settings with a float default"),
    ("shop/catalog/moderation.py", 'Flag.objects.create(review=review, name=reason',
     "rows of the project's own Flag model"),
    ("shop/catalog/moderation.py", 'Flag.objects.create(review=review, name="spam_review"',
     "rows of the project's own Flag model"),
    ("shop/catalog/moderation.py", 'Flag.objects.filter(review=review, name="spam_review").delete()',
     "deleting the project's own Flag rows"),
    ("shop/migrations/0007_flags.py", 'ReviewFlag.objects.get_or_create(review=review, name="contains_link")',
     "apps.get_model('catalog', 'Flag')"),
    ("shop/static/shop/app.js", 'shopFlags.flag_is_active("compact_header")',
     "JS flag_is_active on a non-waffle object"),
    ("shop/templates/shop/review.html", "{% if flag %}", "a template variable called flag"),
]
LOOKALIKE_KEYS = {
    "hero-banner", "sale-badge-style", "newsletter_opt_in", "compact_order_list", "order_placed", "order_shipped",
    "main-warehouse", "beta_reviews_feed", "ENABLE_LEGACY_EXPORT", "FEATURES['ENABLE_LEGACY_EXPORT']",
    "PAYMENT_TIMEOUT", "RECOMMENDER_TIMEOUT", "spam_review", "contains_link", "compact_header",
}
# Files made only of look-alikes (and plain code): nothing at all may come from them.
LOOKALIKE_FILES = [
    "shop/catalog/experiments.py", "shop/catalog/inventory.py", "shop/catalog/moderation.py", "shop/catalog/models.py",
    "shop/accounts/preferences.py", "shop/accounts/beta.py", "shop/notifications.py", "shop/catalog/recommender.py",
    "shop/templates/shop/review.html", "shop/clients.py", "shop/flags.py", "shop/checkout/constants.py",
]


# -- helpers -----------------------------------------------------------------------------------------------

PROJECT = FixtureProject("shop")
rel, line_of, span, flag = PROJECT.rel, PROJECT.line_of, PROJECT.span, PROJECT.flag


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    return PROJECT.inventory()


def site(inventory: Inventory, sdk: str, key: str | None, path: str, snippet: str) -> Site:
    line = line_of(path, snippet)
    candidates = flag(inventory, sdk, key)
    found = [s for s in candidates.sites if rel(s.path) == path and s.line == line]
    assert len(found) == 1, f"no single site of {(sdk, key)} at {path}:{line}; sites: " + ", ".join(
        f"{rel(s.path)}:{s.line}" for s in candidates.sites)
    return found[0]


def _keys(inventory: Inventory) -> set[tuple[str, str | None]]:
    return {(f.sdk, f.key) for f in inventory.flags if f.sites or f.definitions}


def _everything(inventory: Inventory) -> list[tuple[Flag, Site | Definition]]:
    return [(f, item) for f in inventory.flags for item in (*f.sites, *f.test_sites, *f.definitions)]


# -- the inventory as a whole ----------------------------------------------------------------------------------

def test_whole_fixture_is_analysed(inventory: Inventory) -> None:
    assert inventory.skipped == ()
    assert inventory.lines > 800


def test_key_set_is_exact(inventory: Inventory) -> None:
    assert _keys(inventory) == EXPECTED


def test_sites_and_test_sites_are_split_by_path(inventory: Inventory) -> None:
    for f in inventory.flags:
        assert all(not rel(s.path).startswith("tests/") for s in f.sites), f
        assert all(rel(s.path).startswith("tests/") for s in f.test_sites), f


def test_only_the_runtime_fstring_is_a_pattern(inventory: Inventory) -> None:
    assert {(f.sdk, f.key) for f in inventory.flags if f.pattern} == {("posthog", "promo-*")}


# -- keys: every way of writing one resolves at its site ---------------------------------------------------------

KEY_FORMS = [
    # (sdk, key, file, snippet of the site's line, key expression as written)
    ("launchdarkly", "new-checkout", "shop/checkout/views.py", "variation(NEW_CHECKOUT", "NEW_CHECKOUT"),
    ("launchdarkly", "checkout-one-page", "shop/checkout/views.py", "variation(CheckoutExperiments.ONE_PAGE",
     "CheckoutExperiments.ONE_PAGE"),
    ("launchdarkly", "price-rounding", "shop/checkout/views.py", "variation_detail(key=flag_key", "flag_key"),
    ("unleash", "search.v2", "shop/catalog/search.py", "is_enabled(Flag.SEARCH_V2", "Flag.SEARCH_V2"),
    ("unleash", "search.ranking", "shop/catalog/search.py", "get_variant(Flag.SEARCH_RANKING.value",
     "Flag.SEARCH_RANKING.value"),
    ("unleash", "search.typo-tolerance", "shop/catalog/search.py", 'is_enabled(f"{SEARCH_NS}.typo-tolerance"',
     'f"{SEARCH_NS}.typo-tolerance"'),
    ("openfeature", "catalog-quick-view", "shop/catalog/views.py", "get_boolean_value(QUICK_VIEW", "QUICK_VIEW"),
    ("openfeature", "product-page-layout", "shop/catalog/views.py", 'get_string_value("product-page-layout"',
     '"product-page-layout"'),
    ("flagsmith", "social_login", "shop/accounts/views.py", "is_feature_enabled(flags.SOCIAL_LOGIN)",
     "flags.SOCIAL_LOGIN"),
    ("flagsmith", "password_min_length", "shop/accounts/views.py", 'get_feature_value("password_min_length")',
     '"password_min_length"'),
    ("waffle-flag", "beta_checkout", "shop/checkout/views.py", "flag_is_active(request, flags.BETA_CHECKOUT)",
     "flags.BETA_CHECKOUT"),
    ("statsig", "payment_button_copy", "shop/checkout/payments.py", '"payment_button_copy")', '"payment_button_copy"'),
    ("split", "dynamic_pricing", "shop/checkout/pricing.py", '"dynamic_pricing"', '"dynamic_pricing"'),
    ("configcat", "showPricesWithTax", "shop/checkout/pricing.py", 'get_value_details("showPricesWithTax"',
     '"showPricesWithTax"'),
    ("posthog", "promo-*", "shop/accounts/onboarding.py", 'f"promo-{c.slug}"', 'f"promo-{c.slug}"'),
    # flag objects from shop/toggles.py: imported by name, through `from .. import toggles`, and setting toggles
    ("waffle-flag", "shop.one_click_buy", "shop/checkout/views.py", "ONE_CLICK_BUY.is_enabled()", "ONE_CLICK_BUY"),
    ("waffle-flag", "shop.course_bundles", "shop/catalog/views.py", "toggles.COURSE_BUNDLES.is_enabled(",
     "toggles.COURSE_BUNDLES"),
    ("waffle-switch", "shop.order_notes", "shop/checkout/views.py", "ENABLE_ORDER_NOTES.is_enabled()",
     "ENABLE_ORDER_NOTES"),
    ("settings", "ENABLE_INVOICES", "shop/accounts/views.py", "ENABLE_INVOICES.is_enabled()", "ENABLE_INVOICES"),
    ("settings", "FEATURES['ENABLE_GIFT_CARDS']", "shop/checkout/views.py", "ENABLE_GIFT_CARDS.is_enabled()",
     "ENABLE_GIFT_CARDS"),
    ("settings", "FEATURES['ENABLE_GIFT_CARDS']", "shop/context_processors.py", 'FEATURES.get("ENABLE_GIFT_CARDS"',
     '"ENABLE_GIFT_CARDS"'),
    ("settings", "FEATURES['ENABLE_PRODUCT_QA']", "shop/catalog/views.py", 'FEATURES["ENABLE_PRODUCT_QA"]',
     '"ENABLE_PRODUCT_QA"'),
    ("settings", "ENABLE_GUEST_CHECKOUT", "shop/checkout/views.py", '"ENABLE_GUEST_CHECKOUT", False)',
     '"ENABLE_GUEST_CHECKOUT"'),
]


@pytest.mark.parametrize(("sdk", "key", "path", "snippet", "expression"), KEY_FORMS,
                         ids=[f"{k[0]}:{k[1]}@{k[2].rsplit('/', 1)[-1]}" for k in KEY_FORMS])
def test_key_forms(inventory: Inventory, sdk: str, key: str | None, path: str, snippet: str, expression: str) -> None:
    assert site(inventory, sdk, key, path, snippet).key_ref.expression == expression


def test_unresolvable_parameter_key(inventory: Inventory) -> None:
    """``feature_enabled_for(feature_name, user)`` passes its parameter to PostHog; its one caller passes a value
    read from the request. The key is null either way: at the check inside the function (no wrapper inference),
    or at the wrapper's call (wrapper inference: the call is the site, keyed by the caller's argument)."""
    inner = ("shop/accounts/onboarding.py",
             line_of("shop/accounts/onboarding.py", "posthog.feature_enabled(feature_name"),
             "feature_name", "shop.accounts.onboarding.feature_enabled_for")
    call = ("shop/accounts/api.py", line_of("shop/accounts/api.py", "feature_enabled_for(feature, request.user)"),
            "feature", "shop.accounts.api.feature_status")
    null = flag(inventory, "posthog", None)
    found = {(rel(s.path), s.line, s.key_ref.expression, s.function) for s in null.sites}
    assert found in ({inner}, {call}, {inner, call}), found
    assert null.definitions == () and null.pattern is False


def test_pattern_key(inventory: Inventory) -> None:
    promo = flag(inventory, "posthog", "promo-*")
    assert promo.pattern is True
    assert [(rel(s.path), s.line) for s in promo.sites] == [
        ("shop/accounts/onboarding.py", line_of("shop/accounts/onboarding.py", 'f"promo-{c.slug}"'))]


# -- definitions ------------------------------------------------------------------------------------------------

def test_flag_objects_are_definitions(inventory: Inventory) -> None:
    objects = {
        ("waffle-flag", "shop.one_click_buy"): "ONE_CLICK_BUY",
        ("waffle-switch", "shop.order_notes"): "ENABLE_ORDER_NOTES",
        ("waffle-flag", "shop.course_bundles"): "COURSE_BUNDLES",
        ("settings", "ENABLE_INVOICES"): "ENABLE_INVOICES",
        ("settings", "FEATURES['ENABLE_GIFT_CARDS']"): "ENABLE_GIFT_CARDS",
    }
    for (sdk, key), name in objects.items():
        found = [d for d in flag(inventory, sdk, key).definitions if rel(d.path) == "shop/toggles.py"]
        expected = [(f"shop.toggles.{name}", line_of("shop/toggles.py", f"{name} = "))]
        assert [(d.symbol, d.line) for d in found] == expected
    one_click = next(d for d in flag(inventory, "waffle-flag", "shop.one_click_buy").definitions
                     if rel(d.path) == "shop/toggles.py")
    assert ("toggle_use_cases", "temporary") in one_click.metadata


def test_migration_rows(inventory: Inventory) -> None:
    path = "shop/migrations/0007_flags.py"

    def rows(sdk: str, key: str) -> list[tuple[str, int]]:
        return [(d.action, d.line) for d in flag(inventory, sdk, key).definitions if rel(d.path) == path]

    assert rows("waffle-flag", "new_cart_drawer") == [
        ("define", line_of(path, 'get_or_create(name="new_cart_drawer"')),
        ("rollback-delete", line_of(path, 'filter(name="new_cart_drawer").delete()')),  # in the reverse function
    ]
    assert rows("waffle-switch", "maintenance_mode") == [
        ("define", line_of(path, 'get_or_create(name="maintenance_mode"')),
        ("rollback-delete", line_of(path, 'filter(name="maintenance_mode").delete()')),
    ]
    assert rows("waffle-sample", "checkout_timing_sample")[0] == (
        "define", line_of(path, 'Sample.objects.create(name="checkout_timing_sample"'))
    retired = flag(inventory, "waffle-flag", "old_checkout")
    assert retired.sites == () and retired.test_sites == ()
    assert [(d.action, d.line) for d in retired.definitions] == [("delete", line_of(path, 'name="old_checkout"'))]


# -- test-only and template-only flags ------------------------------------------------------------------------

def test_flag_checked_only_in_tests(inventory: Inventory) -> None:
    sandbox = flag(inventory, "waffle-switch", "e2e_payment_sandbox")
    assert sandbox.sites == () and sandbox.definitions == ()
    assert [(rel(s.path), s.line) for s in sandbox.test_sites] == [
        ("tests/test_payments.py", line_of("tests/test_payments.py", 'switch_is_active("e2e_payment_sandbox")'))]
    assert ("waffle-switch", "e2e_payment_sandbox") not in _keys(inventory)


def test_production_flags_also_checked_in_tests(inventory: Inventory) -> None:
    for sdk, key, test in (("waffle-flag", "new_cart_drawer", "tests/test_checkout.py"),
                           ("launchdarkly", "new-checkout", "tests/test_checkout.py"),
                           ("waffle-flag", "shop.one_click_buy", "tests/test_toggles.py")):
        assert [rel(s.path) for s in flag(inventory, sdk, key).test_sites] == [test]


def test_flag_checked_only_in_a_template(inventory: Inventory) -> None:
    theme = flag(inventory, "waffle-flag", "holiday_theme")
    assert theme.definitions == () and theme.test_sites == ()
    assert [(rel(s.path), s.line, s.precision, s.guard) for s in theme.sites] == [
        ("shop/templates/shop/base.html", line_of("shop/templates/shop/base.html", '{% flag "holiday_theme" %}'),
         "text", "template")]
    survey = flag(inventory, "waffle-sample", "checkout_survey")
    assert {rel(s.path) for s in survey.sites} == {"shop/templates/shop/base.html", "shop/jinja2/shop/mini_cart.html"}
    assert {s.precision for s in survey.sites} == {"text"}


def test_templates_jinja_and_wafflejs(inventory: Inventory) -> None:
    drawer = flag(inventory, "waffle-flag", "new_cart_drawer")
    by_file = {rel(s.path): (s.rule, s.precision) for s in drawer.sites}
    assert by_file == {
        "shop/checkout/views.py": ("django-waffle/flag_is_active", "syntax"),
        "shop/templates/shop/cart.html": ("django-waffle/template-flag", "text"),
        "shop/jinja2/shop/mini_cart.html": ("django-waffle/jinja-flag", "text"),
        "shop/static/shop/app.js": ("django-waffle/wafflejs-flag", "text"),
    }
    switch_files = {rel(s.path) for s in flag(inventory, "waffle-switch", "maintenance_mode").sites}
    assert switch_files == {"shop/checkout/views.py", "shop/templates/shop/base.html",
                            "shop/jinja2/shop/mini_cart.html",
                            "shop/static/shop/app.js"}


# -- guards: the on/off regions -------------------------------------------------------------------------------------

V = "shop/checkout/views.py"


def test_guard_if_else(inventory: Inventory) -> None:
    s = site(inventory, "launchdarkly", "new-checkout", V, "variation(NEW_CHECKOUT")
    assert s.guard == "if"
    assert s.on == (span(V, 'context["steps"] = ("address", "payment")', 'template = "shop/checkout_v2.html"'),)
    assert s.off == (span(V, '"shipping", "payment", "review")', 'template = "shop/checkout.html"'),)
    drawer = site(inventory, "waffle-flag", "new_cart_drawer", V, 'flag_is_active(request, "new_cart_drawer")')
    assert (drawer.guard, drawer.on, drawer.off) == (
        "if", (span(V, 'template = "shop/cart_drawer.html"'),), (span(V, 'template = "shop/cart.html"'),))


def test_guard_if_elif_else(inventory: Inventory) -> None:
    path = "shop/checkout/payments.py"
    apple = site(inventory, "statsig", "apple_pay", path, '"apple_pay"):')
    assert apple.guard == "if"
    assert apple.on == (span(path, 'wallet = "apple_pay"'),)
    assert apple.off == (span(path, "elif statsig.check_gate", "wallet = None"),)
    google = site(inventory, "statsig", "google_pay", path, '"google_pay"):')
    assert (google.guard, google.on, google.off) == (
        "if", (span(path, 'wallet = "google_pay"'),), (span(path, "wallet = None"),))


def test_guard_conditional_expression(inventory: Inventory) -> None:
    beta = site(inventory, "waffle-flag", "beta_checkout", V, "flags.BETA_CHECKOUT")
    line = line_of(V, "flags.BETA_CHECKOUT")
    assert (beta.guard, beta.on, beta.off) == ("ternary", ((line, line),), ((line, line),))
    quick = site(inventory, "openfeature", "catalog-quick-view", "shop/catalog/views.py", "QUICK_VIEW, False")
    assert quick.guard == "ternary"


def test_guard_early_return(inventory: Inventory) -> None:
    maintenance = site(inventory, "waffle-switch", "maintenance_mode", V, 'switch_is_active("maintenance_mode")')
    assert maintenance.guard == "early-return"
    assert maintenance.on == (span(V, '"shop/maintenance.html"'),)
    assert maintenance.off == (span(V, '"ENABLE_GUEST_CHECKOUT", False)', "return render(request, template, context)"),)
    # negated: `if not flag: return legacy()` -- the rest of the function is what runs when the flag is on
    path = "shop/catalog/search.py"
    search = site(inventory, "unleash", "search.v2", path, "Flag.SEARCH_V2")
    assert search.guard == "early-return"
    assert search.on == (span(path, "ranking = unleash.get_variant", 'return render(request, "shop/search_v2.html"'),)
    assert search.off == (span(path, "return _legacy_search(request, query)"),)
    # is_off() means "on" when falsy: the early return is the off branch
    path = "shop/catalog/recommendations.py"
    legacy = site(inventory, "growthbook", "legacy-recommendations", path, 'is_off("legacy-recommendations")')
    assert legacy.guard == "early-return"
    assert legacy.on == (span(path, "algorithm = gb.eval_feature", "return recommender.recommend"),)
    assert legacy.off == (span(path, "return legacy_related.related_products"),)


def test_guard_and_or(inventory: Inventory) -> None:
    path = "shop/catalog/views.py"
    reviews = site(inventory, "waffle-flag", "reviews_v2", path, '"show_reviews": flag_is_active')
    line = line_of(path, '"show_reviews": flag_is_active')
    assert (reviews.guard, reviews.on, reviews.off) == ("and", ((line, line),), ())
    guest = site(inventory, "openfeature", "guest-reviews", path, 'get_boolean_value("guest-reviews"')
    line = line_of(path, 'get_boolean_value("guest-reviews"')
    assert (guest.guard, guest.on, guest.off) == ("or", (), ((line, line),))


def test_guard_decorator(inventory: Inventory) -> None:
    path = "shop/accounts/views.py"
    export = site(inventory, "waffle-switch", "order_export", path, '@waffle_switch("order_export")')
    assert export.guard == "decorator"
    assert export.on == (span(path, 'response = HttpResponse(content_type="text/csv")', "    return response"),)
    assert export.function == "shop.accounts.views.export_orders"
    path = "shop/catalog/views.py"
    review = site(inventory, "waffle-flag", "reviews_v2", path, '@waffle_flag("reviews_v2")')
    assert review.guard == "decorator"
    assert review.on == ((line_of(path, "def write_review(") + 1,
                          line_of(path, 'return redirect("shop:product", slug=product.slug)')),)


def test_guard_value_assigned_then_tested(inventory: Inventory) -> None:
    path = "shop/catalog/recommendations.py"
    wishlist = site(inventory, "growthbook", "wishlist", path, 'gb.is_on("wishlist")')
    assert wishlist.guard == "assign+if"
    assert wishlist.on == (span(path, "return render_to_string"),)
    assert wishlist.off == (span(path, 'return ""'),)


def test_guard_settings_flag_in_a_method(inventory: Inventory) -> None:
    demo = site(inventory, "settings", "DEMO_MODE", "shop/apps.py", '"DEMO_MODE", False')
    assert (demo.guard, demo.function) == ("if", "shop.apps.ShopConfig.ready")
    assert demo.on == (span("shop/apps.py", 'settings.FEATURES["ENABLE_LEGACY_EXPORT"] = True'),)


# -- look-alikes -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "snippet", "what"), LOOKALIKES, ids=[w for _, _, w in LOOKALIKES])
def test_lookalike_is_not_a_flag(inventory: Inventory, path: str, snippet: str, what: str) -> None:
    line = line_of(path, snippet)
    hits = [(f.sdk, f.key) for f, item in _everything(inventory) if rel(item.path) == path and item.line == line]
    assert hits == [], f"{what} at {path}:{line} matched as {hits}"


def test_lookalike_files_yield_nothing(inventory: Inventory) -> None:
    hits = [(rel(item.path), item.line, f.key) for f, item in _everything(inventory)
            if rel(item.path) in LOOKALIKE_FILES]
    assert hits == []


def test_no_lookalike_key(inventory: Inventory) -> None:
    assert {f.key for f in inventory.flags} & LOOKALIKE_KEYS == set()


# -- constructs that once went wrong -------------------------------------------------------------------------------

def test_split_client_imported_from_a_clients_module(inventory: Inventory) -> None:
    path = "shop/checkout/shipping.py"
    s = site(inventory, "split", "free_shipping_threshold", path,
             'get_treatment(str(user.pk), "free_shipping_threshold")')
    assert (s.rule, s.guard) == ("split/get_treatment", "assign")


def test_guard_and_inside_return(inventory: Inventory) -> None:
    path = "shop/accounts/onboarding.py"
    s = site(inventory, "posthog", "new-onboarding", path, 'feature_enabled("new-onboarding"')
    line = line_of(path, 'feature_enabled("new-onboarding"')
    assert (s.guard, s.on, s.off) == ("and", ((line, line),), ())


def test_flag_object_in_a_module_that_imports_unleash(inventory: Inventory) -> None:
    path = "shop/catalog/search.py"
    s = site(inventory, "waffle-flag", "shop.course_bundles", path, "COURSE_BUNDLES.is_enabled(hit.course_key)")
    assert (s.rule, s.guard) == ("edx-toggles/WaffleFlag.is_enabled", "if")
    assert s.on == (span(path, 'hit.offer = "bundle"'),)
    assert ("unleash", None) not in _keys(inventory)
