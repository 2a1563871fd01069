// Times in the viewer's own zone: each <time data-local datetime="…"> is rewritten with the
// browser's zone and locale (the server renders UTC), now and whenever the page's tables are
// updated in place; and each input[data-viewer-zone] carries that zone back with a search.
(function () {
    'use strict';
    const format = new Intl.DateTimeFormat(undefined, {
        year: 'numeric', month: 'short', day: 'numeric',
        hour: '2-digit', minute: '2-digit', second: '2-digit',
        timeZoneName: 'short'
    });
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || '';

    function localise(root) {
        root.querySelectorAll('time[data-local]').forEach(function (element) {
            const when = new Date(element.getAttribute('datetime'));
            if (!isNaN(when.getTime())) {
                element.textContent = format.format(when);
                element.removeAttribute('data-local');
            }
        });
        root.querySelectorAll('input[data-viewer-zone]').forEach(function (input) {
            input.value = zone;
        });
    }

    function start() {
        localise(document);
        new MutationObserver(function (changes) {
            changes.forEach(function (change) {
                change.addedNodes.forEach(function (node) {
                    if (node.nodeType === Node.ELEMENT_NODE) {
                        localise(node.parentNode || node);
                    }
                });
            });
        }).observe(document.body, {childList: true, subtree: true});
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', start);
    } else {
        start();
    }
}());
