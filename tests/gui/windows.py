"""The main window as the GUI tests use it: shown and started, the directory opened, closed."""

from aftercare_desktop.views.main_window import MainWindow

WAIT = 10_000


def started_window(qtbot, context) -> MainWindow:
    """The main window shown and started, once Today (the page the day starts on) has its data."""
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.today_page.loaded, timeout=WAIT):
        window.start()
    return window


def show_alumni(qtbot, window: MainWindow) -> None:
    """Open the Alumni page; the directory reads its list when first shown."""
    with qtbot.waitSignal(window.alumni_page.model.loaded, timeout=WAIT):
        window.sidebar.setCurrentRow(window.pages.indexOf(window.alumni_page))


def close_window(window: MainWindow) -> None:
    """Close the window and wait for its background work."""
    window.close()
    window.runner.wait_for_done()
    window.alumni_page.model.wait_for_done()
