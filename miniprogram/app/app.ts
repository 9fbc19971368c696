/**
 * 审发 管理员小程序. The entry page is the login page, which goes on to the signed-in person's home
 * page when a session is stored; pages read the session themselves, so the app keeps no state.
 */
App({});
