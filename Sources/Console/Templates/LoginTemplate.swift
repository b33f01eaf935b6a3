/// The login form. Its CSRF token belongs to a nonce cookie set with the form.
enum LoginTemplate {
    static let text = #"""
<form class="login" method="post" action="/login">
  <h1>Log in</h1>
  {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
  <input type="hidden" name="csrf" value="{{csrf}}">
  <label for="username">Username</label>
  <input id="username" name="username" autocomplete="username" value="{{username}}" required autofocus>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <label for="code">One-time code <span class="muted">(if two-factor is on)</span></label>
  <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7">
  <button type="submit">Log in</button>
</form>
"""#
}
