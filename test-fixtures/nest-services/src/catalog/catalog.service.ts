import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Repository } from 'typeorm';
import { Category } from './category.entity';
import { Product } from './product.entity';

export interface PriceChange {
  productId: number;
  priceCents: number;
}

@Injectable()
export class CatalogService {
  constructor(
    @InjectRepository(Product) private readonly products: Repository<Product>,
    @InjectRepository(Category) private readonly categories: Repository<Category>,
    private readonly dataSource: DataSource,
  ) {}

  async categoriesWithProducts(): Promise<Array<Category & { items: Product[] }>> {
    const categories = await this.categories.find();
    const result = [];
    for (const category of categories) {
      const items = await this.products.findBy({ categoryId: category.id }); // expect: no-query-in-loop
      result.push({ ...category, items });
    }
    return result;
  }

  async categoriesWithProductsEager(): Promise<Category[]> {
    return this.categories.find({ relations: { products: true } });
  }

  async productsByIds(ids: number[]): Promise<Product[]> {
    return this.products.findBy({ id: In(ids) }); // ok: no-query-in-loop -- one IN query
  }

  async applyPriceChanges(changes: PriceChange[]): Promise<void> {
    await Promise.all(changes.map((c) => this.products.update(c.productId, { priceCents: c.priceCents }))); // expect: no-query-in-loop
  }

  async renameAll(products: Product[], suffix: string): Promise<void> {
    products.forEach((p) => (p.name = `${p.name} ${suffix}`)); // ok: no-query-in-loop -- in-memory change, saved once below
    await this.products.save(products);
  }

  async search(term: string, maxPrice: number): Promise<Product[]> {
    return this.products
      .createQueryBuilder('p')
      .where(`p.name ILIKE '%${term}%'`) // expect: no-sql-concatenation
      .andWhere(`p.price_cents <= ${maxPrice}`) // expect: no-sql-concatenation
      .getMany();
  }

  async searchSafe(term: string, maxPrice: number): Promise<Product[]> {
    return this.products
      .createQueryBuilder('p')
      .where('p.name ILIKE :term', { term: `%${term}%` }) // ok: no-sql-concatenation -- the template builds a bound parameter value, not SQL
      .andWhere('p.price_cents <= :maxPrice', { maxPrice }) // ok: no-sql-concatenation -- named parameter
      .getMany();
  }

  async topSellers(limit: number): Promise<Array<{ id: number; sold: number }>> {
    return this.dataSource.query(
      'SELECT product_id AS id, sum(quantity)::int AS sold FROM order_items GROUP BY 1 ORDER BY 2 DESC LIMIT $1', // ok: no-sql-concatenation -- DataSource.query with parameters
      [limit],
    );
  }

  async slowMovers(days: number): Promise<Array<{ id: number }>> {
    return this.dataSource.query(`SELECT id FROM products p WHERE NOT EXISTS (SELECT 1 FROM order_items i WHERE i.product_id = p.id AND i.created_at > now() - interval '${days} days')`); // expect: no-sql-concatenation
  }

  async productsInCategory(slug: string): Promise<Product[]> {
    return this.products.query('SELECT p.* FROM products p JOIN categories c ON c.id = p.category_id WHERE c.slug = ' + `'${slug}'`); // expect: no-sql-concatenation
  }

  async movePrices(changes: PriceChange[]): Promise<void> {
    const runner = this.dataSource.createQueryRunner(); // expect: no-unreleased-client
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.manager.save(Product, changes.map((c) => ({ id: c.productId, priceCents: c.priceCents })));
      await runner.commitTransaction();
    } catch (err) {
      await runner.rollbackTransaction();
      throw err;
    } finally {
      await runner.release();
    }
  }

  async movePricesSafely(changes: PriceChange[]): Promise<void> {
    const runner = this.dataSource.createQueryRunner(); // ok: no-unreleased-client -- every awaited step is inside the try, released in finally
    try {
      await runner.connect();
      await runner.startTransaction();
      await runner.manager.save(Product, changes.map((c) => ({ id: c.productId, priceCents: c.priceCents })));
      await runner.commitTransaction();
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw err;
    } finally {
      await runner.release();
    }
  }

  async countRaw(): Promise<number> {
    const runner = this.dataSource.createQueryRunner(); // expect: no-unreleased-client
    await runner.connect();
    const [{ n }] = await runner.query('SELECT count(*)::int AS n FROM products');
    await runner.release();
    return n;
  }

  async lockCatalog(): Promise<void> {
    const runner = this.dataSource.createQueryRunner(); // expect: no-unreleased-client
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock(42)');
  }

  async archiveCategory(categoryId: number, productIds: number[]): Promise<void> {
    await this.dataSource.transaction(async (manager: EntityManager) => { // ok: no-unreleased-client -- the ORM releases after the callback
      for (const id of productIds) {
        await manager.update(Product, id, { categoryId: 0 }); // expect: no-query-in-loop
      }
      await manager.delete(Category, categoryId);
    });
  }

  async archiveCategoryBatched(categoryId: number): Promise<void> {
    await this.dataSource.transaction(async (manager: EntityManager) => {
      await manager.update(Product, { categoryId }, { categoryId: 0 }); // ok: no-query-in-loop -- one UPDATE for the whole category
      await manager.delete(Category, categoryId);
    });
  }
}
