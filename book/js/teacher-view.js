// A page opened with `?teacher` in its address (print.html?teacher) is the teacher's view:
// the <html> element gets the class `teacher-view` and every teacher note is opened, so that
// `workbook book --pdf FILE --teacher` prints them, where a learner's copy leaves them out.
(function () {
    if (!new URLSearchParams(window.location.search).has("teacher")) {
        return;
    }
    document.documentElement.classList.add("teacher-view");
    for (const notes of document.querySelectorAll("details.teacher-notes")) {
        notes.open = true;
    }
})();
