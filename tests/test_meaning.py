"""flagaudit.meaning: the meaning string written, read back, and compared. Pure, so no files and no git."""

from __future__ import annotations

from flagaudit.meaning import VALUE_MARK, Meaning, judgeable, meaning, related, words


def parse(function: str, *names: str) -> Meaning:
    return Meaning.parse(meaning(function, names))


def test_written_as_one_line_and_read_back() -> None:
    text = meaning("app.views.checkout", ["app.cart.total", "app.checkout.new"])
    assert text == "app.views.checkout: app.cart.total app.checkout.new"
    parsed = Meaning.parse(text)
    assert parsed == Meaning("app.views.checkout", frozenset({"app.cart.total", "app.checkout.new"}))
    assert parsed.function_name == "checkout"
    assert Meaning.parse(meaning("app.views.page", [])) == Meaning("app.views.page", frozenset())


def test_words_split_identifiers_and_drop_common_ones() -> None:
    assert words("send_child_order") == {"send", "child", "order"}
    assert words("getHTTPResponse") == {"http"}
    assert parse("router.peg.route", "router.peg.send_child_order").words == {"route", "send", "child", "order"}


def test_judgeable_needs_a_name_beyond_the_value_mark() -> None:
    assert judgeable(parse("app.f", "app.g"))
    assert not judgeable(parse("app.f"))
    assert not judgeable(parse("app.f", VALUE_MARK))


def test_power_peg_and_retail_liquidity_are_unrelated() -> None:
    peg = parse("router.peg.route", "router.peg.send_child_order")
    rlp = parse("router.rlp.improve", "router.rlp.price_improvement")
    assert not related(rlp, peg)


def test_a_function_moved_to_another_module_stays_related_only_when_it_moved_with_some_of_its_work() -> None:
    old = parse("shop.views.pay", ".card_charge", ".audit_trail_write", ".fraud_score", ".ledger_post")
    new = parse("shop.web.pay", ".card_charge", ".receipt_mail", ".loyalty_points", ".coupon_burn")
    assert related(new, old, moved=True)
    assert not related(new, old, moved=False)
    unrelated = parse("shop.web.pay", ".wallet_debit", ".receipt_mail", ".loyalty_points", ".coupon_burn")
    assert not related(unrelated, old, moved=True)  # moved, and its branch does something else now


def test_the_same_work_is_related_wherever_the_guard_sits() -> None:
    view = parse("courses.views.CourseEditView.form_valid", "courses.tasks.email_enrolled_learners.delay",
                 "django.db.transaction.on_commit", "django.contrib.messages.success", ".request")
    model = parse("courses.models.Course.save", "courses.tasks.email_enrolled_learners.delay",
                  "django.db.transaction.on_commit", "courses.models.log.info")
    assert related(model, view, moved=False)
    other_task = parse("billing.models.Invoice.save", "billing.tasks.send_invoice_pdf.delay")
    assert not related(other_task, view)  # two branches that each start some task share nothing


def test_a_guard_moved_between_hooks_of_one_class() -> None:
    old = parse("orders.admin.OrderAdmin.changelist_view", ".GET", ".copy", ".urlencode", ".META")
    new = parse("orders.admin.OrderAdmin.get_queryset", ".exclude")
    assert related(new, old, moved=True)
    assert not related(new, old, moved=False)
    assert not related(new, old, moved=True, left_behind=lambda a, b: True)


def test_the_same_function_is_unrelated_when_its_old_work_is_left_behind() -> None:
    old = parse("router.dispatch.route_order", "router.peg.send_child_orders")
    new = parse("router.dispatch.route_order", "router.rlp.price_improvement")
    assert related(new, old, moved=False)
    assert not related(new, old, moved=False, left_behind=lambda a, b: True)


def test_a_shared_callee_of_the_project_ties_two_meanings_but_a_library_call_does_not() -> None:
    assert related(parse("shop.api.pay", "shop.pay.fast_pay"), parse("shop.web.submit", "shop.pay.fast_pay"))
    assert not related(parse("shop.api.orders", "django.shortcuts.render"),
                       parse("shop.web.invoices", "django.shortcuts.render"))


def test_overlapping_words_tie_a_second_site_for_the_same_feature() -> None:
    assert related(parse("shop.api.api_checkout_v2", "shop.api.render"), parse("shop.web.checkout_v2", "shop.web.page"))


def test_branches_that_both_name_the_key_are_related_unless_the_old_work_is_left_behind() -> None:
    old = parse("mail.send_mail", "mail.send_to_mailhog", "mail.logger.debug")
    new = parse("email.send_email_over_smtp", "django.conf.settings.MAILHOG_HOST", "django.conf.settings.MAILHOG_PORT")
    subject = frozenset(words("enable_mailhog"))
    assert not related(new, old, moved=False)
    assert related(new, old, moved=False, subject=subject)
    assert not related(new, old, moved=False, left_behind=lambda a, b: True, subject=subject)


def test_the_key_named_only_by_the_enclosing_function_ties_nothing() -> None:
    old = parse("shop.checkout.checkout", "shop.express.express_checkout")
    new = parse("shop.checkout.checkout_page", "shop.loyalty.apply_loyalty_discount")
    assert not related(new, old, moved=False, subject=frozenset(words("new-checkout")))
