/** Whole roubles grouped by thousands with a plain space, as the SMS and the conditions print them. */
export function formatPrice(price: number): string {
  return Math.round(price)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, " ");
}
