"""Labels of what the console says when a file it reads is broken (the Proof issue's fault handling)."""

LABELS = {
    "config.unreadable": ("{error} Until then this page uses the built-in defaults.",
                          "{error} 修复之前，本页使用内置默认值。"),
}
