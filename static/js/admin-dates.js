// The catalogue's dates are days, without a time of day: the admin's note on the time zone
// (added to every date field when the browser's zone is not the server's) does not apply.
document.addEventListener("DOMContentLoaded", () => {
    delete document.body.dataset.adminUtcOffset;
});
