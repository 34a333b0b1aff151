// Chrome service worker entry: the same classic scripts Firefox lists under background.scripts.
importScripts('../shared/protocol.js', 'client.js', 'limiter.js', 'main.js');
