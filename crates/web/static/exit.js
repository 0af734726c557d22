// The quick-exit page: Back stays on this neutral page instead of returning to the
// app that was open before (the exit itself replaced the report page's entry).
history.pushState(null, '', location.href);
window.addEventListener('popstate', () => history.pushState(null, '', location.href));
