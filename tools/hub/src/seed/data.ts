/**
 * The seed data set: a small, realistic catalogue for a newcomer's `make up` — customers of a
 * made-up B2B shop, the products it sells and promotions that tie one product to one customer.
 * Every customer has a unique email and every product a unique SKU: the seed finds what a
 * previous run created by them. Promotions name their product and customer by those keys and
 * are found again by name. Domains are `.test` (RFC 2606) and phone numbers are from Ofcom's
 * drama range (020 7946 0xxx), so nothing here reaches a real person.
 */

export interface SeedCustomer {
  readonly name: string;
  readonly email: string;
  readonly company: string;
  readonly phone: string;
  readonly address: string;
  readonly tags: readonly string[];
  readonly active: boolean;
}

export interface SeedProduct {
  readonly sku: string;
  readonly name: string;
  readonly description: string;
  /** Minor units of `currency`. */
  readonly price: number;
  readonly currency: string;
  readonly active: boolean;
  readonly tags: readonly string[];
}

export interface SeedPromotion {
  readonly name: string;
  readonly kind: 'percent' | 'amount';
  /** Percent 1–100, or minor units of the product's currency. */
  readonly value: number;
  /** Months from the start of the current month: the window is [from, to). */
  readonly fromMonth: number;
  readonly toMonth: number;
  /** The product's SKU and the customer's email. */
  readonly sku: string;
  readonly email: string;
}

// [contact, company, city, tags]
const COMPANIES: readonly (readonly [string, string, string, readonly string[]])[] = [
  ['Ada Brennan', 'Acme Tooling', 'Leeds', ['vip', 'wholesale']],
  ['Bruno Keller', 'Alpenrose Cafés', 'Zürich', ['retail', 'eu']],
  ['Chiara Fontana', 'Bottega Verde', 'Milan', ['retail', 'eu']],
  ['Dmitri Sokolov', 'Baltic Freight', 'Riga', ['wholesale', 'eu']],
  ['Elena Ruiz', 'Casa Luz Interiors', 'Seville', ['retail', 'eu', 'new']],
  ['Farah Haddad', 'Cedar & Sage', 'Manchester', ['retail']],
  ['Gustav Lind', 'Nordlys Outdoor', 'Bergen', ['wholesale', 'partner']],
  ['Hana Kobayashi', 'Kumo Studio', 'Osaka', ['partner']],
  ['Isaac Mensah', 'Gold Coast Grocers', 'Accra', ['wholesale', 'new']],
  ['Julia Novak', 'Vltava Print', 'Prague', ['eu']],
  ['Kofi Asante', 'Harmattan Textiles', 'Kumasi', ['wholesale']],
  ['Lena Vogel', 'Vogel Fahrräder', 'Freiburg', ['retail', 'eu', 'vip']],
  ['Marco Bianchi', 'Lago Marine', 'Como', ['eu', 'partner']],
  ['Nadia Petrova', 'Polar Labs', 'Tallinn', ['eu', 'new']],
  ['Oscar Lindqvist', 'Skärgård Kayaks', 'Stockholm', ['retail', 'eu']],
  ['Priya Raman', 'Monsoon Kitchens', 'Bristol', ['vip', 'retail']],
  ['Quentin Moreau', 'Atelier Moreau', 'Lyon', ['eu']],
  ['Rosa Delgado', 'Sol y Sombra', 'Valencia', ['retail', 'eu']],
  ['Samuel Okafor', 'Lagoon Logistics', 'Lagos', ['wholesale', 'partner']],
  ['Tara Quinn', 'Quinn & Daughters', 'Galway', ['retail', 'eu']],
  ['Umar Siddiqui', 'Indus Trading', 'Birmingham', ['wholesale']],
  ['Valentina Rossi', 'Rossi Ceramiche', 'Faenza', ['eu', 'vip']],
  ['William Hart', 'Hartwood Joinery', 'York', ['retail']],
  ['Xenia Pappas', 'Aegean Goods', 'Thessaloniki', ['eu', 'new']],
  ['Yusuf Demir', 'Bosphorus Supply', 'Istanbul', ['wholesale']],
  ['Zoe Laurent', 'Laurent Fleurs', 'Bordeaux', ['retail', 'eu']],
  ['Aiden Walsh', 'Walsh Brewing Co', 'Cork', ['wholesale', 'eu']],
  ['Beatriz Costa', 'Costa Azul Surf', 'Porto', ['retail', 'eu']],
  ['Callum Fraser', 'Highland Wool', 'Inverness', ['wholesale', 'vip']],
  ['Daniela Weber', 'Weber Elektro', 'Graz', ['eu', 'partner']],
  ['Emeka Nwosu', 'Niger Delta Foods', 'Port Harcourt', ['wholesale', 'new']],
  ['Freya Olsen', 'Fjord Ceramics', 'Aarhus', ['retail', 'eu']],
  ['George Adeyemi', 'Adeyemi Motors', 'Ibadan', ['partner']],
  ['Helga Berg', 'Berg Bakeries', 'Oslo', ['retail', 'vip']],
  ['Ivan Horvat', 'Adriatic Sails', 'Split', ['retail', 'eu']],
  ['Jasmine Cho', 'Cho Design Lab', 'Seoul', ['partner', 'new']],
];

const slug = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

export const CUSTOMERS: readonly SeedCustomer[] = COMPANIES.map(([contact, company, city, tags], i) => ({
  name: contact,
  email: `${slug(contact.split(' ')[0] ?? contact)}@${slug(company)}.test`,
  company,
  phone: `+44 20 7946 0${String(100 + i * 7).padStart(3, '0')}`,
  address: `${String(3 + ((i * 11) % 90))} Market Street, ${city}`,
  tags,
  // A few lapsed accounts, so `--active false` finds something.
  active: i % 9 !== 8,
}));

// [sku, name, description, price (minor units), currency, tags]
const CATALOGUE: readonly (readonly [string, string, string, number, string, readonly string[]])[] = [
  ['SH-TL-001', 'Claw hammer 16 oz', 'Forged steel head, ash handle', 2490, 'GBP', ['tools']],
  ['SH-TL-002', 'Cordless drill 18 V', 'Two batteries, 13 mm chuck, case', 11900, 'GBP', ['tools', 'power']],
  ['SH-TL-003', 'Chisel set (6)', 'Bevel-edge chisels, 6–25 mm, roll', 5400, 'GBP', ['tools', 'woodwork']],
  ['SH-TL-004', 'Spirit level 600 mm', 'Aluminium, three vials', 1850, 'GBP', ['tools']],
  ['SH-TL-005', 'Tape measure 8 m', 'Locking blade, belt clip', 990, 'GBP', ['tools']],
  ['SH-OD-001', 'Trail tent 2p', 'Two-person, 1.9 kg, aluminium poles', 23900, 'EUR', ['outdoor', 'camping']],
  ['SH-OD-002', 'Down sleeping bag -5 °C', '650 fill power, compression sack', 18900, 'EUR', ['outdoor', 'camping']],
  ['SH-OD-003', 'Touring kayak paddle', 'Carbon shaft, two-piece, 220 cm', 14900, 'EUR', ['outdoor', 'water']],
  ['SH-OD-004', 'Headlamp 400 lm', 'USB-C rechargeable, red light mode', 3900, 'EUR', ['outdoor']],
  ['SH-OD-005', 'Merino base layer', 'Long sleeve, 200 g/m²', 7900, 'EUR', ['outdoor', 'apparel']],
  ['SH-KT-001', 'Cast iron skillet 28 cm', 'Pre-seasoned, pour spouts', 4500, 'EUR', ['kitchen']],
  ['SH-KT-002', 'Chef knife 20 cm', 'Stainless, full tang', 8900, 'EUR', ['kitchen', 'vip-choice']],
  ['SH-KT-003', 'Stoneware mixing bowls (3)', 'Nesting, dishwasher safe', 3600, 'EUR', ['kitchen']],
  ['SH-KT-004', 'Espresso grinder', 'Conical burrs, 40 settings', 19900, 'EUR', ['kitchen', 'coffee']],
  ['SH-KT-005', 'Pour-over kettle 1 l', 'Gooseneck, thermometer', 5200, 'EUR', ['kitchen', 'coffee']],
  ['SH-OF-001', 'Desk lamp LED', 'Dimmable, 2700–6500 K', 6900, 'USD', ['office']],
  ['SH-OF-002', 'Ergonomic chair', 'Mesh back, adjustable lumbar', 42900, 'USD', ['office', 'furniture']],
  ['SH-OF-003', 'Standing desk frame', 'Dual motor, 120 kg load', 38900, 'USD', ['office', 'furniture']],
  ['SH-OF-004', 'Notebook A5 dotted', '160 pages, 100 g/m² paper', 1400, 'USD', ['office', 'paper']],
  ['SH-OF-005', 'Fountain pen', 'Steel nib, converter included', 3200, 'USD', ['office']],
  ['SH-TX-001', 'Wool blanket', 'Lambswool, 130 × 180 cm', 9900, 'GBP', ['home', 'textiles']],
  ['SH-TX-002', 'Linen tea towels (4)', 'Stone-washed linen', 2400, 'GBP', ['home', 'textiles', 'kitchen']],
  ['SH-TX-003', 'Cotton apron', 'Heavy canvas, leather straps', 3800, 'GBP', ['textiles', 'kitchen']],
  ['SH-TX-004', 'Cushion cover', 'Hand-woven, 45 × 45 cm', 2900, 'GBP', ['home', 'textiles']],
  ['SH-BK-001', 'City bike 7-speed', 'Step-through frame, dynamo lights', 64900, 'EUR', ['bikes']],
  ['SH-BK-002', 'Bike lock D-shackle', 'Sold Secure Gold', 5900, 'EUR', ['bikes']],
  ['SH-BK-003', 'Panniers (pair)', 'Waterproof, 2 × 20 l', 11900, 'EUR', ['bikes', 'outdoor']],
  ['SH-CF-001', 'Single-origin beans 1 kg', 'Washed, medium roast', 3400, 'EUR', ['coffee']],
  ['SH-CF-002', 'Decaf beans 1 kg', 'Swiss water process', 3600, 'EUR', ['coffee']],
  ['SH-CF-003', 'Coffee subscription (legacy)', 'Monthly beans; replaced by the new plan', 2900, 'EUR', ['coffee']],
];

export const PRODUCTS: readonly SeedProduct[] = CATALOGUE.map(([sku, name, description, price, currency, tags]) => ({
  sku,
  name,
  description,
  price,
  currency,
  active: !name.includes('(legacy)'),
  tags,
}));

// [name, kind, value, fromMonth, toMonth, product index, customer index]
const DEALS: readonly (readonly [string, 'percent' | 'amount', number, number, number, number, number])[] = [
  ['Acme spring tooling', 'percent', 10, -1, 2, 1, 0],
  ['Acme hammer bundle', 'amount', 300, 0, 1, 0, 0],
  ['Alpenrose coffee corner', 'percent', 15, 0, 3, 13, 1],
  ['Bottega kitchen refresh', 'percent', 12, -2, 1, 10, 2],
  ['Baltic bulk beans', 'amount', 500, 0, 6, 27, 3],
  ['Casa Luz cushions', 'percent', 20, 1, 3, 23, 4],
  ['Nordlys basecamp', 'percent', 18, -1, 2, 5, 6],
  ['Nordlys night hike', 'amount', 600, 0, 2, 8, 6],
  ['Kumo desk setup', 'percent', 8, 0, 4, 17, 7],
  ['Vltava notebooks', 'percent', 25, -3, 0, 18, 9],
  ['Vogel commuter', 'amount', 5000, 0, 2, 24, 11],
  ['Vogel lock-up', 'percent', 30, 0, 1, 25, 11],
  ['Lago paddle season', 'percent', 10, 2, 5, 7, 12],
  ['Skärgård touring', 'amount', 1500, 0, 3, 7, 14],
  ['Monsoon chef kit', 'percent', 15, -1, 1, 11, 15],
  ['Monsoon pour-over', 'amount', 700, 0, 2, 14, 15],
  ['Rossi studio lamp', 'percent', 10, 0, 6, 15, 21],
  ['Hartwood chisel deal', 'amount', 800, -1, 1, 2, 22],
  ['Walsh brew day', 'percent', 5, 0, 12, 28, 26],
  ['Costa Azul layers', 'percent', 20, 0, 2, 9, 27],
  ['Highland blankets', 'amount', 1200, 1, 4, 20, 28],
  ['Fjord tea towels', 'percent', 15, 0, 3, 21, 31],
  ['Berg bakery aprons', 'amount', 400, -2, 2, 22, 33],
  ['Cho ergonomic chair', 'percent', 12, 0, 2, 16, 35],
];

function at<T>(list: readonly T[], i: number, what: string): T {
  const v = list[i];
  if (v === undefined) throw new Error(`seed data: no ${what} #${String(i)}`);
  return v;
}

export const PROMOTIONS: readonly SeedPromotion[] = DEALS.map(([name, kind, value, fromMonth, toMonth, p, c]) => ({
  name,
  kind,
  value,
  fromMonth,
  toMonth,
  sku: at(PRODUCTS, p, 'product').sku,
  email: at(CUSTOMERS, c, 'customer').email,
}));

/** The first instant of the month `offset` months from the month of `now`, as ISO 8601 UTC. */
export function monthStart(offset: number, now = new Date()): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1)).toISOString();
}
