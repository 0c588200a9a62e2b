// Each market's top of book with mark, index and the last trade.
import { html, lots, Panel, ppb, usd } from "./format.js";

export function Books({ snap }) {
  const ms = snap?.markets ?? [];
  return html`<${Panel} title="Markets" note="top of book · mark vs index" testid="markets">
    <div class="books">${ms.map((m) => html`<${Book} key=${m.marketId} m=${m} />`)}</div>
  <//>`;
}

function Book({ m }) {
  const all = [...m.bids, ...m.asks];
  const max = all.reduce((a, l) => (BigInt(l.size) > a ? BigInt(l.size) : a), 1n);
  const asks = [...m.asks].reverse();
  const bestBid = m.bids[0]?.price;
  const bestAsk = m.asks[0]?.price;
  const spread = bestBid && bestAsk ? usd((BigInt(bestAsk) - BigInt(bestBid)).toString()) : "–";
  const basis =
    BigInt(m.indexPrice) > 0n
      ? `${((Number(BigInt(m.markPrice) - BigInt(m.indexPrice)) / Number(BigInt(m.indexPrice))) * 10_000).toFixed(1)} bp`
      : "–";
  return html`<div class="book" data-testid="book" data-market=${m.marketId}>
    <div class="book-head">
      <b>${m.name}</b>
      ${m.breakerTripped ? html`<span class="tag bad">BREAKER</span>` : null}
    </div>
    <div class="marks">
      <div><span class="l">mark</span><b data-testid="mark">${usd(m.markPrice)}</b></div>
      <div><span class="l">index</span><b data-testid="index">${usd(m.indexPrice)}</b></div>
      <div><span class="l">last</span><b>${usd(m.lastTradePrice)}</b></div>
      <div><span class="l">basis</span><span>${basis}</span></div>
      <div><span class="l">OI</span><span>${lots(m.openInterest)}</span></div>
      <div><span class="l">funding</span><span>${ppb(m.lastFundingRate)}</span></div>
    </div>
    <table class="ladder">
      <thead><tr><th class="r">price</th><th class="r">size</th><th class="r">#</th></tr></thead>
      <tbody>
        ${asks.map((l) => level(l, "ask", max))}
        <tr class="spread"><td colspan="3">spread ${spread}</td></tr>
        ${m.bids.map((l) => level(l, "bid", max))}
        ${all.length === 0 ? html`<tr><td colspan="3" class="empty">empty book</td></tr>` : null}
      </tbody>
    </table>
  </div>`;
}

function level(l, side, max) {
  const w = Number((BigInt(l.size) * 100n) / max);
  return html`<tr class=${side} data-testid="level" style=${`--w:${w}%`}>
    <td class="r mono px">${usd(l.price)}</td><td class="r mono">${lots(l.size)}</td><td class="r dim">${l.orders}</td>
  </tr>`;
}
