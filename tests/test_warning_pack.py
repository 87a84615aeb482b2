"""The warning's way to the recovery pack (issue 16): once the tool is dealt with, the done
page offers "Save a recovery pack", for the incident just decided. The pack itself and Qt's
save dialog are tested in tests/test_report_*.py."""

from __future__ import annotations

import dataclasses

from guard.engine.incidents import State
from tests.test_warning_banking import shown_warning
from ui.warning.preview import sample_incident
from ui.warning.window import DONE


def test_the_done_page_offers_the_pack_of_the_incident_just_decided(
    qtbot, profiles, shipped
) -> None:
    anydesk = next(t for t in shipped.tools if t.id == "anydesk")
    view = sample_incident(anydesk, "linux")
    with shown_warning(qtbot, profiles, view) as w:
        assert not w.pack_button.isVisibleTo(w)  # only once there is something to record
        killed = tuple({**p, "state": "killed"} for p in view.processes)
        w.update_incident(dataclasses.replace(view, state=State.BLOCKED, processes=killed))
        assert w.pages.currentIndex() == DONE and w.pack_button.isVisibleTo(w)
        with qtbot.waitSignal(w.pack_requested) as asked:
            w.pack_button.click()
        assert asked.args == [view.id]
        w.said("The recovery pack was saved to /tmp/x.pdf")
        assert w.hint.isVisibleTo(w) and "saved to" in w.hint.text()
