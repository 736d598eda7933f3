// The project list: a new sort order applies as soon as it is chosen. Without this script the
// "Sort" button beside it sends the form, with the filters, in the same way.
document.addEventListener("DOMContentLoaded", () => {
    const sort = document.getElementById("id_sort");
    const filters = document.getElementById("filters");
    if (!sort || !filters) {
        return;
    }
    for (const button of document.querySelectorAll(".sort-button")) {
        button.hidden = true;
    }
    sort.addEventListener("change", () => filters.requestSubmit());
});

// A page brought back whole from the back-forward cache keeps what was changed in its form and
// not sent: show the form as the address has it again (the form's autocomplete="off" does
// the same when the page is loaded anew).
window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
        document.getElementById("filters")?.reset(); // the sort order too: it belongs to the form
    }
});
