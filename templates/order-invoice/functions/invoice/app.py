"""Writes the invoice for each OrderPlaced event (here: to the log, one JSON line per invoice)."""
import json
import os
from decimal import ROUND_HALF_UP, Decimal

TAX_RATE = Decimal(os.environ.get("TAX_RATE", "0.20"))
CENT = Decimal("0.01")


def handler(event, context):
    order = event["detail"]
    lines = [
        {
            "sku": item["sku"],
            "quantity": item["quantity"],
            "price": money(Decimal(str(item["price"]))),
            "amount": money(Decimal(str(item["price"])) * item["quantity"]),
        }
        for item in order["items"]
    ]
    subtotal = sum(Decimal(line["amount"]) for line in lines)
    tax = (subtotal * TAX_RATE).quantize(CENT, ROUND_HALF_UP)
    invoice = {
        "msg": "invoice",
        "invoiceId": f"INV-{order['orderId']}",
        "orderId": order["orderId"],
        "customer": order["customer"],
        "lines": lines,
        "subtotal": money(subtotal),
        "tax": money(tax),
        "total": money(subtotal + tax),
        "eventId": event.get("id"),
    }
    print(json.dumps(invoice))
    return invoice


def money(value):
    # Strings, not floats: 0.1 + 0.2 must stay 0.30 on an invoice.
    return str(value.quantize(CENT, ROUND_HALF_UP))
