// gitlab.com/<user> (profile) and /users/<user>[/activity|…]. GitLab reserves its top-level routes
// so no user or group can take them; the list is GitLab's own TOP_LEVEL_ROUTES
// (lib/gitlab/path_regex.rb of gitlab-org/gitlab, MIT) together with the route words the older
// DynamicPathValidator reserved (issues, new, u, …), because any of them still answers as a page.
// Groups share the namespace; the service answers not_found for them.
(function (root) {
  'use strict';
  const { adapters, protocol } = root.Candor;
  const TOP_LEVEL_ROUTES = new Set(('- .well-known 404.html 422.html 500.html 502.html 503.html ' +
    'abuse_reports admin all api apple-touch-icon-precomposed.png apple-touch-icon.png assets ' +
    'autocomplete ci dashboard deploy.html explore favicon.ico favicon.png files groups ' +
    'header_logo_dark.png header_logo_light.png health_check help hooks import invites issues jwt ' +
    'koding login member merge_requests new notes notification_settings oauth profile projects ' +
    'public repository robots.txt s search sent_notifications services sitemap sitemap.xml ' +
    'sitemap.xml.gz slash-command-logo.png snippets system teams u unicorn_test unsubscribes ' +
    'uploads user users v2').split(' '));
  const USER_TABS = ['activity', 'groups', 'projects', 'snippets', 'starred', 'contributed',
    'followers', 'following', undefined];

  adapters.register({
    id: 'gitlab',
    label: 'GitLab',
    hosts: ['gitlab.com'],
    TOP_LEVEL_ROUTES,
    parse(u) {
      let seg = adapters.segments(u);
      if (seg.length >= 2 && seg.length <= 3 && seg[0] === 'users' && USER_TABS.includes(seg[2])) seg = [seg[1]];
      if (seg.length !== 1 || TOP_LEVEL_ROUTES.has(seg[0].toLowerCase())) return null;
      const handle = protocol.validateHandle('gitlab', seg[0]);
      return handle ? { network: 'gitlab', handle } : null;
    },
    findAnchor(doc) {
      return doc.querySelector('.user-profile-header h1, .cover-title, [data-testid="user-profile-header"] h1');
    },
    linkSelector: 'a.gfm-project_member, a.author-link, a.js-user-link, a[data-user]',
  });
})(globalThis);
