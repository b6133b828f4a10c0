import express from 'express';
import { pool } from './db';
import { ordersRouter } from './routes/orders';
import { productsRouter } from './routes/products';

const app = express();
app.use(express.json());
app.use(productsRouter);
app.use(ordersRouter);

app.get('/healthz', async (_req, res) => {
  await pool.query('SELECT 1');
  res.send('ok');
});

const port = Number(process.env.PORT ?? 3000);
app.listen(port, () => console.log(`shop listening on :${port}`));
