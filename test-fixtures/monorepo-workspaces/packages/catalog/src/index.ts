export { productById, productsByIds } from './queries/products';
