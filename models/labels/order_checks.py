"""Labels of the order forms' checks: refused by the order's state, by the division list, empty fields."""

from models.lifecycle import STATUS_LABELS

LABELS: dict[str, tuple[str, str]] = {
    "order.no_reroute": ("This order is {status}: it can no longer be re-routed.", "该订单{status}，不能再改派。"),
    "order.no_address_change": ("This order is {status}: its address can no longer be changed.",
                                "该订单{status}，不能再修改地址。"),
    "order.reroute_empty": ("Choose a warehouse or a carrier to re-route to.", "请选择要改派的仓库或承运商。"),
    "order.no_stock": ("{warehouse} lacks stock for {short}: choose a warehouse with stock.",
                       "{warehouse} 库存不足（{short}）：请选择有库存的仓库。"),
    "order.field_empty": ("Fill in the {field}.", "请填写{field}。"),
    "order.bad_province": ("“{province}” is not a province on the list: write it as on the list (e.g. 浙江 or 浙江省).",
                           "“{province}”不在省份列表中：请按列表填写（如 浙江 或 浙江省）。"),
    "order.bad_city": ("“{city}” is not a city of {province}: write a city of that province (e.g. 杭州 or 杭州市).",
                       "“{city}”不是{province}的城市：请填写该省的城市（如 杭州 或 杭州市）。"),
    "order.address_hint": ("Province and city are checked against the official list of divisions.",
                           "省份和城市将按官方行政区划列表校验。"),
    **{f"order_status.{status}": pair for status, pair in STATUS_LABELS.items()},
}
